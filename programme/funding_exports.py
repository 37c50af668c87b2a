"""The funding report as an XLSX file: one sheet per grouping (the same rows and totals as the page, fed by the same
filter) and one sheet listing the lines behind them."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import row_values


def total_columns(first: str) -> list[str]:
    return [
        first,
        _("Số khoản"),
        _("Kế hoạch (đồng)"),
        _("Đã giải ngân (đồng)"),
        _("Khoản chưa xác định kinh phí"),
    ]


def total_values(row) -> list:
    return [row.label, row.lines, row.planned, row.disbursed, row.unknown]


def grouping_titles() -> dict[str, str]:
    return {
        "source": _("Nguồn vốn"),
        "purpose": _("Nội dung hỗ trợ"),
        "supporter": _("Cấp hỗ trợ"),
        "area": _("Địa bàn"),
        "year": _("Năm"),
    }


def report_title(filters) -> str:
    title = _("Kinh phí hỗ trợ OCOP")
    if filters.year_from and filters.year_from == filters.year_to:
        title += " " + _("năm %(y)s") % {"y": filters.year_from}
    elif filters.year_from or filters.year_to:
        title += " " + _("%(a)s – %(b)s") % {"a": filters.year_from or "…", "b": filters.year_to or "…"}
    if filters.area is not None:
        title += " — " + filters.area.name
    return title


def line_columns() -> list[str]:
    return [
        _("Năm"),
        _("Tỉnh ghi nhận"),
        _("Đối tượng được hỗ trợ"),
        _("Nội dung hỗ trợ"),
        _("Nguồn vốn"),
        _("Cấp hỗ trợ"),
        _("Kế hoạch (đồng)"),
        _("Đã giải ngân (đồng)"),
        _("Ngày giải ngân"),
        _("Số quyết định"),
        _("Ngày quyết định"),
    ]


def line_values(line) -> list:
    return [
        line.year,
        line.province.name,
        line.beneficiary_label,
        line.get_purpose_display(),
        line.get_source_display(),
        line.get_supporter_display(),
        line.amount_planned,
        line.amount_disbursed,
        line.disbursed_on,
        line.decision_no,
        line.decision_date,
    ]


def _sheet(wb, title, heading, columns, rows):
    ws = wb.create_sheet(title[:31])
    ws.append(row_values([heading]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values(columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(row_values(values))
    return ws


def report_workbook(totals, filters, lines) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    heading = report_title(filters)
    titles = grouping_titles()
    for key, rows in totals.groupings:
        if key == "area" and not rows:
            continue
        values = [total_values(r) for r in rows] + [total_values(totals.total)]
        ws = _sheet(wb, titles[key], heading, total_columns(titles[key]), values)
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    _sheet(wb, _("Các khoản"), heading, line_columns(), (line_values(x) for x in lines.iterator(chunk_size=2000)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
