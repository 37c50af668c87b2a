"""The events reports as XLSX files: the same rows and columns as the pages (fed by the same filter)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import row_values


def report_columns():
    return [
        _("Loại sự kiện"),
        _("Cấp"),
        _("Số sự kiện"),
        _("Chủ thể tham gia"),
        _("Sản phẩm tham gia"),
        _("Hợp đồng ký kết"),
        _("Doanh số (đồng)"),
        _("Khách hàng mới"),
    ]


def report_values(row, *, total=False):
    return [
        _("Tổng cộng") if total else str(row.kind_label),
        "" if total else str(row.level_label),
        row.events,
        row.producers,
        row.products,
        row.contracts,
        row.sales_value,
        row.new_buyers,
    ]


def report_title(report) -> str:
    title = _("Sự kiện xúc tiến thương mại năm %(y)s") % {"y": report.year}
    if report.area is not None:
        title += " — " + report.area.name
    return title


def _workbook(sheet_title, title, columns, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    ws.append(row_values([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values(columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(row_values(values))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_workbook(report) -> bytes:
    rows = [report_values(r) for r in report.rows] + [report_values(report.total, total=True)]
    return _workbook(_("Sự kiện XTTM"), report_title(report), report_columns(), rows)


def never_promoted_columns():
    return [_("STT"), _("Tên sản phẩm"), _("Chủ thể"), _("Xã"), _("Số sao"), _("Số quyết định"), _("Ngày công nhận")]


def never_promoted_values(n, product):
    return [
        n,
        product.name,
        product.producer.name,
        product.location.name,
        product.stars,
        product.decision_number or "",
        product.recognised_on,
    ]


def never_promoted_workbook(products, *, today) -> bytes:
    title = _("Sản phẩm chưa tham gia xúc tiến thương mại kể từ khi được công nhận (đến %(d)s)") % {
        "d": today.strftime("%d/%m/%Y")
    }
    rows = (never_promoted_values(n, p) for n, p in enumerate(products.iterator(chunk_size=2000), start=1))
    return _workbook(_("Chưa xúc tiến"), title, never_promoted_columns(), rows)
