"""The dashboard as an Excel workbook and a PDF report: the same OcopDashboard object, so the same numbers."""

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import row_values
from products.models import ProductCategory
from reports.dashboard import OcopDashboard, d
from reports.queries import OcopReport, Selection


def filename(board: OcopDashboard, extension: str) -> str:
    return f"ocop-{board.unit.scheme}-{board.unit.code or 'vn'}-{board.as_of.isoformat()}.{extension}"


def selection_title(report: OcopReport, selection: Selection) -> str:
    """What a drill-down list holds, in words: the number's own label."""
    metric_titles = {
        "valid": _("Sản phẩm OCOP còn hiệu lực ngày %(day)s"),
        "expiring": _("Sản phẩm có giấy chứng nhận hết hạn trong %(days)s ngày kể từ %(day)s"),
        "expired": _("Sản phẩm đã hết hạn, chưa được công nhận lại, tính đến %(day)s"),
        "revoked": _("Giấy chứng nhận bị thu hồi từ %(start)s đến %(end)s"),
        "recognized": _("Sản phẩm được công nhận mới từ %(start)s đến %(end)s"),
        "renewed": _("Sản phẩm được công nhận lại, nâng hạng từ %(start)s đến %(end)s"),
        "potential_5_star": _("Sản phẩm tiềm năng 5 sao đã được đề nghị Bộ công nhận, chưa có kết quả ngày %(day)s"),
    }
    title = metric_titles[selection.metric] % {
        "day": d(report.as_of),
        "days": selection.days or 30,
        "start": d(report.period.start),
        "end": d(report.period.end),
    }
    parts = [title, str(report.unit.name)]
    if selection.child == "none":
        parts.append(_("chưa xác định được đơn vị cấp dưới"))
    elif selection.child:
        code = selection.child.rpartition(":")[2]
        child = report.child_units().filter(code=code).values_list("name", flat=True).first()
        parts.append(child or selection.child)
    if selection.stars:
        parts.append(_("%(s)s sao") % {"s": selection.stars})
    if selection.group:
        group = (
            ProductCategory.objects.filter(system="148", code=selection.group).values_list("name", flat=True).first()
        )
        parts.append(group or selection.group)
    if selection.year:
        parts.append(_("quyết định đang có hiệu lực năm %(y)s") % {"y": selection.year})
    if selection.first_year:
        parts.append(_("được công nhận lần đầu năm %(y)s") % {"y": selection.first_year})
    if selection.producer_type:
        from producers.choices import ProducerType

        labels = dict(ProducerType.choices)
        parts.append(str(labels.get(selection.producer_type, selection.producer_type)))
    return " — ".join(parts)


def _sheet_rows(board: OcopDashboard) -> list[tuple]:
    """(section, label, value) rows of the summary sheet, in the dashboard's order."""
    products, producers = board.figures["products"], board.figures["producers"]
    rows = [
        (_("Tổng hợp"), _("Sản phẩm OCOP còn hiệu lực"), products["total"]),
        (_("Tổng hợp"), _("Chủ thể có sản phẩm còn hiệu lực"), producers["total"]),
    ]
    rows += [(_("Theo số sao"), _("%(s)s sao") % {"s": s}, c) for s, c in board.star_rows()]
    rows += [
        (_("Tiềm năng 5 sao"), _("Sản phẩm tiềm năng 5 sao (đã đề nghị Bộ, chưa có kết quả)"), board.potential),
        (_("Tiềm năng 5 sao"), _("trong đó đang có giấy chứng nhận còn hiệu lực"), board.potential_certified),
    ]
    rows += [(_("Theo nhóm sản phẩm"), name, c) for _code, name, c in board.group_rows()]
    rows += [(_("Năm được công nhận lần đầu"), str(y), c) for y, c in board.first_year_rows()]
    rows += [(_("Năm của quyết định đang có hiệu lực"), str(y), c) for y, c in board.year_rows()]
    rows += [(_("Theo loại hình chủ thể"), str(label), c) for _code, label, c in board.type_rows()]
    rows += [
        (
            _("So sánh"),
            _("Cùng kỳ năm trước (%(day)s)") % {"day": d(board.watch["previous_as_of"])},
            board.watch["previous_total"],
        )
    ]
    rows += [(_("Theo dõi"), str(label), count) for _key, label, count, _params in board.watch_rows()]
    return rows


def dashboard_workbook(board: OcopDashboard) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")[:31]
    ws.append([_("Báo cáo sản phẩm OCOP — %(area)s") % {"area": board.unit.name}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            _("Tính đến ngày %(day)s; kỳ từ %(start)s đến %(end)s")
            % {"day": d(board.as_of), "start": d(board.period.start), "end": d(board.period.end)}
        ]
    )
    ws.append(row_values([board.narrative()]))
    ws.append([])
    ws.append([_("Mục"), _("Chỉ tiêu"), _("Số lượng")])
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in _sheet_rows(board):
        ws.append(row_values(row))
    ws.append([])
    ws.append([_("Ghi chú"), board.potential_help])  # which text the potential 5★ rule comes from
    for col, width in ((1, 26), (2, 48), (3, 12)):
        ws.column_dimensions[get_column_letter(col)].width = width

    units = wb.create_sheet(_("Theo đơn vị")[:31])
    units.append([_("Mã"), _("Đơn vị"), _("Sản phẩm OCOP còn hiệu lực"), _("Tiềm năng 5 sao")])
    for cell in units[1]:
        cell.font = Font(bold=True)
    for child in board.figures["children"]:
        units.append(row_values([child["id"], child["name"], child["products"], child["potential_5_star"]]))
    if board.figures["children"] and (board.not_placed or board.potential_not_placed):
        units.append(["", _("Chưa xác định được đơn vị cấp dưới"), board.not_placed, board.potential_not_placed])
    units.append(["", _("Tổng"), board.total, board.potential])
    for col, width in ((1, 16), (2, 40), (3, 14), (4, 14)):
        units.column_dimensions[get_column_letter(col)].width = width

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dashboard_pdf(board: OcopDashboard) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("reports/pdf/ocop.html", {"board": board, "rows": _sheet_rows(board)})
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
