"""The product register as an XLSX file: the same rows and columns as the list on screen."""

import io

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from certification.choices import CertificateState
from core.spreadsheets import row_values


def register_columns():
    return [
        _("STT"),
        _("Tên sản phẩm"),
        _("Chủ thể"),
        _("Loại hình"),
        _("Nhóm sản phẩm"),
        _("Xã"),
        _("Tỉnh"),
        _("Số sao"),
        _("Điểm"),
        _("Số quyết định"),
        _("Ngày quyết định"),
        _("Hiệu lực đến"),
        _("Tình trạng"),
        _("Đề nghị Bộ công nhận 5 sao"),
    ]


def register_values(n, row):
    product, cert, state = row["product"], row["certificate"], row["state"]
    location = product.current_location or product.location
    return [
        n,
        product.name,
        product.producer.name,
        product.producer.get_producer_type_display(),
        product.group.name,
        location.name,
        (location.province or location).name if location.province_id else "",
        cert.stars if cert else None,
        float(cert.score) if cert and cert.score is not None else None,
        cert.decision.number if cert else "",
        cert.valid_from if cert else None,
        cert.last_valid_day if cert else None,
        str(CertificateState(state).label) if state else _("Chưa có giấy chứng nhận"),
        _("Tiềm năng 5 sao (đã đề nghị Bộ)") if row.get("potential_5_star") else "",
    ]


def register_workbook(rows, *, title: str, day) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Sổ sản phẩm OCOP")[:31]
    ws.append(row_values([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Tính đến ngày %(d)s") % {"d": formats.date_format(day, "SHORT_DATE_FORMAT")}])
    ws.append([])
    ws.append(register_columns())
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        ws.append(row_values(register_values(n, row)))
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            if hasattr(cell.value, "year"):
                cell.number_format = "DD/MM/YYYY"
    widths = [6, 40, 38, 18, 24, 24, 18, 8, 8, 20, 14, 14, 18]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A5"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
