"""The training and communication report as an XLSX file: the same figures as the page (fed by the same filter)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import row_values


def course_columns():
    return [
        _("Hình thức"),
        _("Số lớp"),
        _("Người tham dự"),
        _("Trong đó nữ"),
        _("Dân tộc thiểu số"),
        _("Kinh phí (đồng)"),
    ]


def course_values(label, figures):
    return [
        str(label),
        figures.courses,
        figures.participants,
        figures.women,
        figures.ethnic_minority,
        figures.cost,
    ]


def campaign_columns():
    return [_("Kênh truyền thông"), _("Số hoạt động"), _("Số người tiếp cận"), _("Số tin, bài, buổi phát sóng")]


def campaign_values(label, figures):
    return [str(label), figures.campaigns, figures.reach, figures.items]


def child_columns():
    return [
        _("Đơn vị"),
        _("Số lớp"),
        _("Người tham dự"),
        _("Trong đó nữ"),
        _("Dân tộc thiểu số"),
        _("Hoạt động truyền thông"),
        _("Số người tiếp cận"),
    ]


def child_values(row):
    return [
        row.unit.name,
        row.courses.courses,
        row.courses.participants,
        row.courses.women,
        row.courses.ethnic_minority,
        row.campaigns.campaigns,
        row.campaigns.reach,
    ]


def report_title(report) -> str:
    title = _("Tập huấn, truyền thông về OCOP năm %(y)s") % {"y": report.year}
    if report.area is not None:
        title += " — " + report.area.name
    return title


def _header(ws, values):
    ws.append(row_values(values))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def report_workbook(report) -> bytes:
    """One sheet: the title, courses by kind with their total, campaigns by channel with their total, and (when an
    area is chosen) the figures one level down."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tập huấn, truyền thông")[:31]
    ws.append(row_values([report_title(report)]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    _header(ws, course_columns())
    for row in report.kinds:
        ws.append(row_values(course_values(row.label, row)))
    ws.append(row_values(course_values(_("Tổng cộng"), report.courses)))
    ws.append([])
    _header(ws, campaign_columns())
    for row in report.channels:
        ws.append(row_values(campaign_values(row.label, row)))
    ws.append(row_values(campaign_values(_("Tổng cộng"), report.campaigns)))
    if report.children:
        ws.append([])
        _header(ws, child_columns())
        for row in report.children:
            ws.append(row_values(child_values(row)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
