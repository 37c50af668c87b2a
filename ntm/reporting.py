"""Presenting one report (ntm.queries.ntm_report) three ways from the same rows: the dashboard, its Excel export, and
the narrative paragraph. Nothing is computed here that the report does not already hold."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.templatetags.ui import num
from ntm.choices import CommuneStatus, RecognitionLevel


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: object
    figure: str = ""  # the commune list behind it (ntm.queries.figure_communes), empty for none
    arg: str = ""
    indent: bool = False
    decimals: int | None = None


def figure_rows(report: dict) -> list[FigureRow]:
    rows = [
        FigureRow(_("Số xã"), report["communes"], "communes"),
        FigureRow(_("Số xã đã đánh giá (kết quả được duyệt)"), report["assessed"], "assessed"),
        FigureRow(
            _("Số xã chưa có kết quả được duyệt"), report["communes"] - report["assessed"], "not-assessed", indent=True
        ),
        FigureRow(_("Số xã đạt chuẩn nông thôn mới (mọi mức)"), sum(report["recognized"].values()), "recognized"),
    ]
    for level, count in report["recognized"].items():
        rows.append(FigureRow(str(RecognitionLevel(level).label), count, "recognized", level, indent=True))
    rows += [
        FigureRow(_("Số xã cơ bản đạt chuẩn"), report["basically_meeting"], "basically_meeting"),
        FigureRow(_("Bình quân tiêu chí/xã"), report["average_criteria"], "assessed", decimals=2),
    ]
    for n, count in report["below"].items():
        rows.append(FigureRow(_("Số xã đạt dưới %(n)s tiêu chí") % {"n": n}, count, "below", n))
    return rows


def criterion_rows(report: dict, criteria) -> list[FigureRow]:
    return [
        FigureRow(f"{c.number}. {c.name}", report["by_criterion"].get(c.code, 0), "criterion", c.code) for c in criteria
    ]


_n = num  # the templates' own formatting, so the narrative reads like the page


def _communes(n: int) -> str:
    return ngettext("%(n)s xã", "%(n)s xã", n) % {"n": _n(n)}


def narrative(report: dict) -> str:
    """The paragraph an official report opens with, every number taken from `report`."""
    recognized = report["recognized"]
    total = sum(recognized.values())
    parts = [
        _("Năm %(y)s, %(area)s có %(c)s")
        % {"y": report["year"], "area": report["area"]["name"], "c": _communes(report["communes"])}
    ]
    if not report["assessed"]:
        parts.append(_("chưa có xã nào có kết quả đánh giá được duyệt"))
        text = "; ".join(parts)
    else:
        detail = []
        if recognized.get("nang-cao"):
            detail.append(_("%(c)s đạt chuẩn nâng cao") % {"c": _communes(recognized["nang-cao"])})
        if recognized.get("kieu-mau"):
            detail.append(_("%(c)s đạt chuẩn kiểu mẫu") % {"c": _communes(recognized["kieu-mau"])})
        standard = _("%(c)s đạt chuẩn nông thôn mới") % {"c": _communes(total)}
        if detail:
            standard += " (" + _("trong đó %(d)s") % {"d": ", ".join(detail)} + ")"
        parts.append(
            _("%(a)s đã đánh giá, %(s)s, %(b)s cơ bản đạt chuẩn")
            % {"a": _communes(report["assessed"]), "s": standard, "b": _communes(report["basically_meeting"])}
        )
        parts.append(_("bình quân %(v)s tiêu chí/xã") % {"v": _n(report["average_criteria"], 2)})
        if report["below"]:
            n, count = min(report["below"].items(), key=lambda item: int(item[0]))
            if count:
                parts.append(_("còn %(c)s dưới %(n)s tiêu chí") % {"c": _communes(count), "n": n})
            else:
                parts.append(_("không còn xã dưới %(n)s tiêu chí") % {"n": n})
        text = "; ".join(parts)
    text += "."
    if report.get("through_successions"):
        text += " " + _(
            "Số liệu được tổng hợp qua các xã tiền thân hoặc kế thừa theo sắp xếp đơn vị hành chính năm 2025, "
            "vì địa bàn thuộc hệ thống đơn vị hành chính khác với năm báo cáo."
        )
    return text


def _value(value):
    return value if value is not None else ""


def workbook(report: dict, criteria) -> bytes:
    """The dashboard as a sheet: the same figure rows, criteria rows and children, in the same order."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nông thôn mới")[:31]
    ws.append([_("Kết quả thực hiện Bộ tiêu chí nông thôn mới")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Năm"), report["year"]])
    ws.append([_("Địa bàn"), report["area"]["name"], report["area"]["id"]])
    ws.append([_("Bộ tiêu chí"), report["criteria_set"]])
    ws.append([narrative(report)])
    ws.append([])
    ws.append([_("Chỉ số"), _("Giá trị")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in figure_rows(report):
        ws.append([("    " if row.indent else "") + row.label, _value(row.value)])
        if isinstance(row.value, float):
            ws.cell(ws.max_row, 2).number_format = "0.00"
    ws.append([])
    ws.append([_("Tiêu chí"), _("Số xã đạt")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in criterion_rows(report, criteria):
        ws.append([row.label, row.value])
    if report["children"]:
        ws.append([])
        first = report["children"][0]
        if "status" in first:
            ws.append([_("Mã"), _("Đơn vị"), _("Số tiêu chí đạt"), _("Tình trạng")])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for child in report["children"]:
                ws.append(
                    [
                        child["id"],
                        child["name"],
                        _value(child["criteria_met"]),
                        str(CommuneStatus(child["status"]).label),
                    ]
                )
        else:
            ws.append(
                [_("Mã"), _("Đơn vị"), _("Số xã"), _("Đã đánh giá"), _("Đạt chuẩn"), _("Cơ bản đạt"), _("Bình quân")]
            )
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for child in report["children"]:
                ws.append(
                    [
                        child["id"],
                        child["name"],
                        child["communes"],
                        child["assessed"],
                        child["recognized"],
                        child["basically_meeting"],
                        _value(child["average_criteria"]),
                    ]
                )
    for i, width in enumerate([48, 40, 16, 16, 12, 12, 12], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
