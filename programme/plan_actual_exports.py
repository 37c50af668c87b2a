"""Plan against actual as an XLSX workbook: sheet "Chỉ tiêu" (each target with its actual and percentage, as real
numbers) and sheet "Sản phẩm trong kế hoạch" (each named product with its state and blocking step), from the same
PlanActual as the page. Every text cell goes through core.spreadsheets (formula-safe)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import row_values
from programme.plan_actuals import ACHIEVED, IN_PROGRESS, NOT_STARTED, PlanActual, day_text

TARGETS_SHEET = "Chỉ tiêu"
LINES_SHEET = "Sản phẩm trong kế hoạch"


def state_label(state: str) -> str:
    return {ACHIEVED: _("Đạt"), IN_PROGRESS: _("Đang thực hiện"), NOT_STARTED: _("Chưa bắt đầu")}[state]


def title(result: PlanActual) -> str:
    return _("Kết quả thực hiện kế hoạch OCOP năm %(year)s — %(area)s") % {
        "year": result.year,
        "area": result.unit.name,
    }


def target_columns() -> list:
    return [_("STT"), _("Chỉ tiêu"), _("Hạng sao, nhóm, mức, địa bàn"), _("Kế hoạch"), _("Thực hiện"), _("Tỷ lệ (%)")]


def line_columns() -> list:
    return [
        _("STT"),
        _("Kế hoạch"),
        _("Tên sản phẩm"),
        _("Chủ thể"),
        _("Nội dung kế hoạch"),
        _("Hạng sao phấn đấu"),
        _("Cấp hỗ trợ"),
        _("Nguồn kinh phí"),
        _("Tình trạng"),
        _("Bước hiện tại"),
        _("Số quyết định"),
        _("Ngày quyết định"),
        _("Số sao đạt"),
    ]


def _sheet(wb, name, heading, columns, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = name
    ws.append(row_values([heading]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values(columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(row_values(values))
    return ws


def workbook(result: PlanActual, paragraph: str = "") -> bytes:
    wb = Workbook()
    target_rows = [
        [n, row.metric_label, row.qualifiers, row.target, row.actual, row.percent]
        for n, row in enumerate(result.targets, start=1)
    ]
    ws = _sheet(wb, TARGETS_SHEET, title(result), target_columns(), target_rows, first=True)
    if paragraph:
        ws.append([])
        ws.append(row_values([paragraph]))
    line_rows = []
    for n, (line, progress) in enumerate(result.lines, start=1):
        decision, certificate = progress.decision, progress.certificate
        line_rows.append(
            [
                n,
                line.plan.title,
                line.name,
                line.producer.name if line.producer_id else line.producer_name,
                str(line.get_action_display()),
                line.target_stars,
                str(line.get_supported_by_display()) if line.supported_by else "",
                str(line.get_funding_source_display()) if line.funding_source else "",
                state_label(progress.state),
                progress.label,
                decision.number if decision is not None else "",
                day_text(decision.date) if decision is not None else "",
                certificate.stars if certificate is not None else None,
            ]
        )
    _sheet(wb, LINES_SHEET, title(result), line_columns(), line_rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
