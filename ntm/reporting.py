"""Presenting one report (ntm.queries.ntm_report) three ways from the same rows: the dashboard, its Excel export, and
the narrative paragraph. Nothing is computed here that the report does not already hold.

Beside them, at the end: the report of the whole country (`vn`, CONTRACT §4) with the same queries as one area's, its
provinces as children, and the report cached by data version (reports.cache) for the API.
"""

import io
from dataclasses import dataclass

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from areas.choices import TYPE_PREFIX, Level, Scheme, UnitType
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit, Succession
from areas.queries import Country, report_area, scheme_on
from core.spreadsheets import row_values
from core.templatetags.ui import num
from ntm.choices import BASIC_RANK, CommuneStatus, RecognitionLevel, year_end
from ntm.models import Criterion
from ntm.queries import (
    CHILD_FIGURES,
    BadYear,
    Scope,
    _figures,
    _totals,
    annotated_communes,
    basic_rule,
    build_report,
    child_line,
    criteria_met_counts,
    criteria_set_for_year,
    parse_year,
    report_scope,
)
from ntm.village_queries import village_figures
from reports.cache import cached


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: object
    figure: str = ""  # the commune list behind it (ntm.queries.figure_communes), empty for none
    arg: str = ""
    indent: bool = False
    decimals: int | None = None


def figure_rows(report: dict) -> list[FigureRow]:
    """The figures in reading order. Levels nest (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn), so the recognised lines are
    cumulative, as national figures are: "3 xã đạt chuẩn, trong đó 2 nâng cao, 1 kiểu mẫu"."""
    cumulative = report["recognized_cumulative"]
    rows = [
        FigureRow(_("Số xã"), report["communes"], "communes"),
        FigureRow(_("Số xã có số liệu (kết quả đánh giá được duyệt)"), report["assessed"], "assessed"),
        FigureRow(_("Số xã chưa có số liệu"), report["communes"] - report["assessed"], "not-assessed", indent=True),
        FigureRow(
            _("Số xã đạt chuẩn nông thôn mới (gồm cả nâng cao, kiểu mẫu)"),
            cumulative["dat-chuan"],
            "recognized-cumulative",
            "dat-chuan",
        ),
        FigureRow(
            _("trong đó đạt chuẩn nâng cao (gồm cả kiểu mẫu)"),
            cumulative["nang-cao"],
            "recognized-cumulative",
            "nang-cao",
            indent=True,
        ),
        FigureRow(
            _("trong đó đạt chuẩn kiểu mẫu"), cumulative["kieu-mau"], "recognized-cumulative", "kieu-mau", indent=True
        ),
    ]
    if report.get("inherited"):
        rows.append(
            FigureRow(_("trong đó tạm giữ mức của các xã trước sắp xếp"), report["inherited"], "inherited", indent=True)
        )
    rows.append(FigureRow(_("Số xã cơ bản đạt chuẩn"), report["basically_meeting"], "basically_meeting"))
    if report.get("inherited_basically_meeting"):
        rows.append(
            FigureRow(
                _("trong đó tạm giữ mức của các xã trước sắp xếp"),
                report["inherited_basically_meeting"],
                "inherited",
                "co-ban",
                indent=True,
            )
        )
    rows += [
        FigureRow(
            _("Bình quân tiêu chí/xã (trên số xã có số liệu)"), report["average_criteria"], "assessed", decimals=2
        ),
    ]
    for n, count in report["below"].items():
        rows.append(
            FigureRow(_("Số xã đạt dưới %(n)s tiêu chí (trong số xã có số liệu)") % {"n": n}, count, "below", n)
        )
    return rows


def highest_level_rows(report: dict) -> list[FigureRow]:
    """`recognized` as the API gives it: each commune once, at its highest level (the Excel's second table)."""
    return [
        FigureRow(str(RecognitionLevel(level).label), count, "recognized", level)
        for level, count in report["recognized"].items()
    ]


def criterion_rows(report: dict, criteria) -> list[FigureRow]:
    return [
        FigureRow(f"{c.number}. {c.name}", report["by_criterion"].get(c.code, 0), "criterion", c.code) for c in criteria
    ]


_n = num  # the templates' own formatting, so the narrative reads like the page


def _communes(n: int) -> str:
    return ngettext("%(n)s xã", "%(n)s xã", n) % {"n": _n(n)}


def _pending(inherited) -> str:
    if not inherited:
        return ""
    return (
        " ("
        + _("%(c)s tạm giữ mức của các xã trước sắp xếp, chờ quyết định thừa nhận") % {"c": _communes(inherited)}
        + ")"
    )


def _area_subject(area: dict) -> str:
    # official reports write "cả nước" for the whole country, never "Toàn quốc có …"
    return _("cả nước") if area["id"].startswith("vn") else area["name"]


def narrative(report: dict) -> str:
    """The paragraph an official report opens with, every number taken from `report`.

    Recognitions are decisions, known whether or not a commune reported; criteria figures speak only of the communes
    with data, and a "no commune below N criteria" claim is made only when every commune of the area has data.
    """
    communes, assessed = report["communes"], report["assessed"]
    cumulative = report["recognized_cumulative"]
    parts = [
        _("Năm %(y)s, %(area)s có %(c)s")
        % {"y": report["year"], "area": _area_subject(report["area"]), "c": _communes(communes)}
    ]
    if not assessed:
        parts.append(_("chưa xã nào có số liệu đánh giá được duyệt"))
    elif assessed < communes:
        parts.append(_("%(a)s/%(c)s xã có số liệu") % {"a": _n(assessed), "c": _n(communes)})
    if cumulative["dat-chuan"]:
        standard = _("%(c)s đạt chuẩn nông thôn mới") % {"c": _communes(cumulative["dat-chuan"])}
        detail = []
        if cumulative["nang-cao"]:
            detail.append(_("%(n)s nâng cao") % {"n": _n(cumulative["nang-cao"])})
        if cumulative["kieu-mau"]:
            detail.append(_("%(n)s kiểu mẫu") % {"n": _n(cumulative["kieu-mau"])})
        if detail:
            standard += ", " + _("trong đó %(d)s") % {"d": ", ".join(detail)}
        parts.append(standard + _pending(report.get("inherited")))
    else:
        parts.append(_("chưa xã nào được công nhận đạt chuẩn nông thôn mới"))
    if report["basically_meeting"]:
        parts.append(
            _("%(b)s cơ bản đạt chuẩn") % {"b": _communes(report["basically_meeting"])}
            + _pending(report.get("inherited_basically_meeting"))
        )
    if assessed:
        if assessed < communes:
            parts.append(
                _("bình quân %(v)s tiêu chí/xã trên các xã có số liệu") % {"v": _n(report["average_criteria"], 2)}
            )
        else:
            parts.append(_("bình quân %(v)s tiêu chí/xã") % {"v": _n(report["average_criteria"], 2)})
        if report["below"]:
            n, count = min(report["below"].items(), key=lambda item: int(item[0]))
            if count and assessed < communes:
                parts.append(_("ít nhất %(c)s dưới %(n)s tiêu chí") % {"c": _communes(count), "n": n})
            elif count:
                parts.append(_("còn %(c)s dưới %(n)s tiêu chí") % {"c": _communes(count), "n": n})
            elif assessed == communes:  # never claimed while some communes have no data
                parts.append(_("không còn xã dưới %(n)s tiêu chí") % {"n": n})
    text = "; ".join(parts) + "."
    villages = village_sentence(report)
    if villages:
        text += " " + villages
    for sentence in (areas_without_ntm_sentence(report), area_titles_sentence(report)):
        if sentence:
            text += " " + sentence
    if report.get("through_successions"):
        text += " " + _(
            "Số liệu được tổng hợp qua các xã tiền thân hoặc kế thừa theo sắp xếp đơn vị hành chính năm 2025, "
            "vì địa bàn thuộc hệ thống đơn vị hành chính khác với năm báo cáo."
        )
    return text


def _villages(n: int) -> str:
    return ngettext("%(n)s thôn, bản", "%(n)s thôn, bản", n) % {"n": _n(n)}


def village_sentence(report: dict) -> str:
    """The village level as official reports write it ("có thêm 28 thôn, bản nông thôn mới kiểu mẫu và 15 thôn, bản
    nông thôn mới, nâng tổng số …"); empty when the area has no village on record and no village recognition."""
    block = report.get("villages")
    if not block:
        return ""
    new, total = block["recognized"], block["recognized_cumulative"]
    km, ntm = RecognitionLevel.THON_KIEU_MAU.value, RecognitionLevel.THON_NTM.value
    if not (block["total"] or any(new.values()) or any(total.values())):
        return ""
    if not any(total.values()):
        return _("Cấp thôn, bản: có %(t)s trong danh mục, chưa thôn, bản nào được công nhận nông thôn mới.") % {
            "t": _villages(block["total"])
        }
    added = []
    if new[km]:
        added.append(_("%(v)s nông thôn mới kiểu mẫu") % {"v": _villages(new[km])})
    if new[ntm]:
        added.append(_("%(v)s nông thôn mới") % {"v": _villages(new[ntm])})
    if added:
        text = _(
            "Cấp thôn, bản, năm %(y)s có thêm %(added)s, nâng tổng số thôn, bản nông thôn mới kiểu mẫu lên %(km)s "
            "và thôn, bản nông thôn mới lên %(ntm)s"
        ) % {
            "y": report["year"],
            "added": _(" và ").join(added),
            "km": _villages(total[km]),
            "ntm": _villages(total[ntm]),
        }
    else:
        text = _(
            "Cấp thôn, bản, năm %(y)s không có thôn, bản được công nhận thêm; tổng số thôn, bản nông thôn mới kiểu mẫu "
            "là %(km)s và thôn, bản nông thôn mới là %(ntm)s"
        ) % {"y": report["year"], "km": _villages(total[km]), "ntm": _villages(total[ntm])}
    if block["total"]:
        text += " " + _("(danh mục có %(t)s)") % {"t": _villages(block["total"])}
    return text + "."


def _short_district_names(units: list[dict]) -> tuple[str, list[str]]:
    """("huyện", short names) when every unit is a huyện ("Huyện Mường Chà" → "Mường Chà", as official reports write
    them); otherwise the plain word for district-level units and the full names."""
    prefix = TYPE_PREFIX[UnitType.HUYEN] + " "
    if all(u["name"].startswith(prefix) for u in units):
        return _("huyện"), [u["name"][len(prefix) :] for u in units]
    return _("đơn vị cấp huyện"), [u["name"] for u in units]


def areas_without_ntm_sentence(report: dict) -> str:
    """Seed 003's sentence: "Đến nay, toàn tỉnh còn 4 huyện chưa có xã NTM gồm: Mường Chà, …", read on 31 December
    of the report's year; empty where the report has no such block (an area whose children are communes)."""
    units = report.get("areas_without_ntm")
    if units is None:
        return ""
    country = report["area"]["id"].startswith("vn")
    subject = _("cả nước") if country else _("toàn tỉnh")
    if country:
        word, names = _("tỉnh, thành phố"), [u["name"] for u in units]
    else:
        word, names = _short_district_names(units)
    if not units:
        return _("Đến hết năm %(y)s, không còn %(w)s nào chưa có xã NTM trong %(s)s.") % {
            "y": report["year"],
            "w": word,
            "s": subject,
        }
    return _("Đến hết năm %(y)s, %(s)s còn %(n)s %(w)s chưa có xã NTM gồm: %(names)s.") % {
        "y": report["year"],
        "s": subject,
        "n": _n(len(units)),
        "w": word,
        "names": ", ".join(names),
    }


def area_titles_sentence(report: dict) -> str:
    """The district and province titles in force on 31 December, each with its unit ("Huyện Điện Biên: Huyện đạt
    chuẩn nông thôn mới"); empty when there is none."""
    titles = report.get("area_recognitions")
    if not titles:
        return ""
    parts = [f"{t['name']} ({t['level_label']})" for t in titles]
    return _("Đơn vị cấp huyện, tỉnh được công nhận (còn hiệu lực ngày 31/12/%(y)s): %(list)s.") % {
        "y": report["year"],
        "list": "; ".join(parts),
    }


def village_rows(report: dict) -> list[FigureRow]:
    """The `villages` block as figure rows (the dashboard's village table and the Excel's)."""
    block = report.get("villages")
    if not block:
        return []
    km, ntm = RecognitionLevel.THON_KIEU_MAU.value, RecognitionLevel.THON_NTM.value
    return [
        FigureRow(_("Số thôn, bản trong danh mục (ngày 31/12)"), block["total"]),
        FigureRow(_("Thôn, bản nông thôn mới kiểu mẫu được công nhận trong năm"), block["recognized"][km]),
        FigureRow(_("Thôn, bản nông thôn mới được công nhận trong năm"), block["recognized"][ntm]),
        FigureRow(_("Tổng số thôn, bản nông thôn mới kiểu mẫu"), block["recognized_cumulative"][km]),
        FigureRow(_("Tổng số thôn, bản nông thôn mới (chưa đạt kiểu mẫu)"), block["recognized_cumulative"][ntm]),
    ]


def rule_notes(report: dict) -> list[str]:
    """How the figures are counted, the [practice] rules named as practice (beside the figures, in the Excel)."""
    parts = report["basically_meeting_rule"].split(",")
    meanings = []
    for part in parts:
        if part == "decision":
            meanings.append(_("được tỉnh công nhận “cơ bản đạt chuẩn” bằng quyết định (thực tiễn của tỉnh Điện Biên)"))
        elif part == "all":
            meanings.append(_("đạt mọi tiêu chí của bộ tiêu chí nhưng chưa được công nhận"))
        elif part.startswith("min:"):
            meanings.append(_("đạt từ %(n)s tiêu chí trở lên, chưa được công nhận") % {"n": part[4:]})
    notes = [
        _(
            "Cơ bản đạt chuẩn: xã chưa được công nhận ở mức cao hơn và %(m)s (theo thiết lập của hệ thống). "
            "Cả nước chưa có định nghĩa chung: cách hiểu theo quyết định là thực tiễn địa phương, không phải quy định "
            "trung ương."
        )
        % {"m": _(" hoặc ").join(meanings)},
        _(
            "Các mức lồng nhau (kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn): số xã đạt chuẩn gồm cả nâng cao và kiểu mẫu, như "
            "số liệu quốc gia. Mỗi xã được tính theo quyết định công nhận còn hiệu lực ngày 31/12 của năm."
        ),
        _(
            "Chưa có số liệu: xã chưa có kết quả đánh giá được tỉnh duyệt cho năm này; không tính vào bình quân và "
            "các số “dưới N tiêu chí”."
        ),
    ]
    if report["year"] >= 2025:
        notes.append(
            _(
                "Xã sau sắp xếp năm 2025: khi mọi xã trước sắp xếp đều đang được công nhận ngày 30/06/2025, xã mới tạm "
                "giữ mức thấp nhất trong các mức đó cho tới khi tỉnh ghi quyết định thừa nhận (hoặc quyết định công "
                "nhận mới). Việc thừa nhận danh hiệu cho xã sáp nhập là thực tiễn địa phương (Hà Tĩnh, 2023), không "
                "phải quy định trung ương."
            )
        )
    return [str(n) for n in notes]


def _append(ws, values) -> None:
    """Every row goes through cell_value: area, criterion and set names are people's input."""
    ws.append(row_values(values))


def _value(value):
    return value if value is not None else ""


def workbook(report: dict, criteria, other_sets=None) -> bytes:
    """The dashboard as a sheet: the same figure rows, criteria rows and children, in the same order."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nông thôn mới")[:31]
    _append(ws, [_("Kết quả thực hiện Bộ tiêu chí nông thôn mới")])
    ws["A1"].font = Font(bold=True, size=13)
    _append(ws, [_("Năm"), report["year"]])
    _append(ws, [_("Địa bàn"), report["area"]["name"], report["area"]["id"]])
    _append(ws, [_("Bộ tiêu chí"), report["criteria_set"]])
    _append(ws, [narrative(report)])
    for note in rule_notes(report):
        _append(ws, [note])
    _append(ws, [])
    _append(ws, [_("Chỉ số"), _("Giá trị")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in figure_rows(report):
        _append(ws, [("    " if row.indent else "") + row.label, _value(row.value)])
        if isinstance(row.value, float):
            ws.cell(ws.max_row, 2).number_format = "0.00"
    _append(ws, [])
    _append(ws, [_("Số xã theo mức công nhận cao nhất (mỗi xã tính một lần)"), _("Số xã")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in highest_level_rows(report):
        _append(ws, [row.label, row.value])
    if village_rows(report):
        _append(ws, [])
        _append(ws, [_("Thôn, bản"), _("Số thôn, bản")])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in village_rows(report):
            _append(ws, [row.label, row.value])
    _append(ws, [])
    _append(ws, [_("Tiêu chí"), _("Số xã đạt")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in criterion_rows(report, criteria):
        _append(ws, [row.label, row.value])
    for block in other_sets or []:
        _append(ws, [])
        _append(ws, [f"{block['set'].title} ({block['set'].code})"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        _append(ws, [_("Số xã có số liệu"), block["assessed"]])
        _append(ws, [_("Bình quân tiêu chí/xã"), _value(block["average_criteria"])])
        _append(ws, [_("Số xã đạt đủ %(n)s tiêu chí") % {"n": block["criteria"]}, block["meeting_all"]])
    if report["children"]:
        _append(ws, [])
        first = report["children"][0]
        if "status" in first:
            _append(ws, [_("Mã"), _("Đơn vị"), _("Số tiêu chí đạt"), _("Tình trạng")])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for child in report["children"]:
                _append(
                    ws,
                    [
                        child["id"],
                        child["name"],
                        _value(child["criteria_met"]),
                        str(CommuneStatus(child["status"]).label)
                        + (" " + _("(tạm giữ mức của các xã trước sắp xếp)") if child.get("inherited") else ""),
                    ],
                )
        else:
            _append(
                ws,
                [_("Mã"), _("Đơn vị"), _("Số xã"), _("Đã đánh giá"), _("Đạt chuẩn"), _("Cơ bản đạt"), _("Bình quân")],
            )
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            for child in report["children"]:
                _append(
                    ws,
                    [
                        child["id"],
                        child["name"],
                        child["communes"],
                        child["assessed"],
                        child["recognized"],
                        child["basically_meeting"],
                        _value(child["average_criteria"]),
                    ],
                )
    for i, width in enumerate([48, 40, 16, 16, 12, 12, 12], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _area_sheet(wb, report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _area_sheet(wb, report: dict) -> None:
    """District and province level (issue 18): the units without a recognised commune and the titles in force, on a
    sheet of their own; none when the report has neither block (a report not made by report_for)."""
    if "areas_without_ntm" not in report and "area_recognitions" not in report:
        return
    ws = wb.create_sheet(_("Cấp huyện, tỉnh")[:31])
    _append(ws, [_("Nông thôn mới cấp huyện, tỉnh")])
    ws["A1"].font = Font(bold=True, size=13)
    _append(ws, [_("Năm"), report["year"]])
    _append(ws, [_("Địa bàn"), report["area"]["name"], report["area"]["id"]])
    if "areas_without_ntm" in report:
        _append(ws, [])
        _append(ws, [areas_without_ntm_sentence(report)])
        _append(ws, [_("Mã"), _("Đơn vị chưa có xã đạt chuẩn nông thôn mới (ngày 31/12)")])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for unit in report["areas_without_ntm"]:
            _append(ws, [unit["id"], unit["name"]])
    _append(ws, [])
    _append(
        ws,
        [_("Mã"), _("Đơn vị"), _("Danh hiệu"), _("Số quyết định"), _("Ngày quyết định"), _("Tính từ ngày")],
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    titles = report.get("area_recognitions") or []
    for t in titles:
        _append(
            ws,
            [
                t["id"],
                t["name"],
                t["level_label"],
                t["decision_no"],
                _value(_vdate(t["decision_date"])),
                _vdate(t["effective_date"]),
            ],
        )
    if not titles:
        _append(ws, [_("Chưa có đơn vị cấp huyện, tỉnh nào được công nhận (còn hiệu lực ngày 31/12).")])
    for i, width in enumerate([16, 48, 48, 20, 16, 16], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _vdate(iso) -> str | None:
    """An ISO day of the report as the pages write it (dd/mm/yyyy)."""
    if not iso:
        return None
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def area_blocks(year: int, unit) -> dict:
    """The district and province blocks of the report of `unit` (issue 18): `area_recognitions` (titles in force on 31
    December) and, where the report's children are districts or provinces, `areas_without_ntm` ([{id, name}])."""
    from ntm.area_queries import areas_without_ntm, title_line, titles_in

    blocks = {"area_recognitions": [title_line(r) for r in titles_in(unit, year=year)]}
    districts = (
        not isinstance(unit, Country)
        and unit.scheme == Scheme.PRE2025
        and unit.level == Level.PROVINCE
        and scheme_on(year_end(year)) == Scheme.PRE2025
    )
    if isinstance(unit, Country) or districts:
        blocks["areas_without_ntm"] = [{"id": u["id"], "name": u["name"]} for u in areas_without_ntm(year, unit).units]
    return blocks


# ---- the whole country, and the cached report ---------------------------------------------------------------------


def national_scope(year, country) -> Scope:
    """The report's scope for the whole country (areas.queries.Country): every rural commune of the year's scheme, or,
    for the other scheme chosen explicitly (`vn@pre2025` for a year from 2025), those reached by a succession."""
    year = parse_year(year)
    criteria_set = criteria_set_for_year(year)
    if criteria_set is None:
        raise BadYear(_("Chưa có bộ tiêu chí nông thôn mới áp dụng cho năm %(y)s.") % {"y": year})
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))
    rule = basic_rule()
    threshold = rule.threshold(len(criteria))
    day = year_end(year)
    scheme = scheme_on(day)

    def build(country):
        communes = AdministrativeUnit.objects.filter(
            scheme=scheme, level=Level.COMMUNE, unit_type=UnitType.XA
        ).valid_on(day)
        if country.scheme != scheme:
            links = Succession.objects.filter(predecessor__level=Level.COMMUNE, successor__level=Level.COMMUNE)
            communes = communes.filter(
                pk__in=links.values("successor_id" if scheme == Scheme.S2025 else "predecessor_id")
            )
        return annotated_communes(communes, year, criteria_set, threshold, rule)

    return Scope(
        year=year,
        area=country,
        criteria_set=criteria_set,
        criteria=criteria,
        threshold=threshold,
        rule=rule,
        build=build,
        through_successions=country.scheme != scheme,
    )


def _province_rows(scope: Scope) -> dict:
    """{province id: figures} of the scope's communes, grouped in SQL by their province. Across the reform (the other
    scheme chosen explicitly) a commune is reached from the provinces of its predecessors or successors, perhaps two:
    it counts in each, from two queries (the communes' lines, the links) added up here."""
    if not scope.through_successions:
        columns, rows = scope.rows(
            "by-province", lambda qs, area: qs.order_by().values("province_id").annotate(**CHILD_FIGURES)
        )
        return {row.pop("province_id"): row for row in (dict(zip(columns, r, strict=True)) for r in rows)}
    if scope.area.scheme == Scheme.PRE2025:
        mine, theirs = "successor_id", "predecessor__province_id"
    else:
        mine, theirs = "predecessor_id", "successor__province_id"
    provinces_of = {}
    links = scope.rows(
        "province-links",
        lambda qs, area: Succession.objects.filter(**{f"{mine}__in": qs.values("pk")}).values_list(mine, theirs),
    )[1]
    for commune, province in links:
        provinces_of.setdefault(commune, set()).add(province)
    rows = {}
    lines = scope.rows(
        "commune-lines", lambda qs, area: qs.order_by().values_list("pk", "criteria_met", "status", "rank")
    )[1]
    for pk, met, status, rank in lines:
        for province in provinces_of.get(pk, ()):
            row = rows.setdefault(
                province, {"communes": 0, "assessed": 0, "met_sum": 0, "basically_meeting": 0, "recognized": 0}
            )
            row["communes"] += 1
            row["assessed"] += met is not None
            row["met_sum"] += met or 0
            row["basically_meeting"] += status == CommuneStatus.CO_BAN_DAT
            row["recognized"] += rank is not None and rank > BASIC_RANK
    return rows


def national_report(scope: Scope) -> dict:
    """CONTRACT §7 for the whole country: the figures of ntm.queries.build_report over all its communes (the same
    totals query), and its provinces as children, each with the figures of a district's line."""
    below = list(scope.criteria_set.report_below or [])
    totals = _totals(scope, below)
    met = criteria_met_counts(scope)
    rows = _province_rows(scope)
    provinces = scope.rows(
        "provinces", lambda qs, country: country.provinces().values_list("pk", "scheme", "code", "name")
    )[1]
    children = [child_line(rows.get(pk), AreaId(scheme, code), name) for pk, scheme, code, name in provinces]
    return {
        "year": scope.year,
        "area": {"id": str(scope.area.area_id), "name": str(scope.area.name)},
        "criteria_set": scope.criteria_set.code,
        **_figures(totals, below),
        "by_criterion": {c.code: met.get(c.code, 0) for c in scope.criteria},
        "children": children,
        "through_successions": scope.through_successions,
        "basically_meeting_rule": scope.rule.text,
        "villages": village_figures(scope.year, scope.area),
    }


NATIONWIDE_ACTION = "ntm.view"  # who may ask for the whole country: a nationwide scope for this action


def report_for(year, area, *, user=None) -> dict:
    """The report of `area` (an area id, `vn` included) for `year`, cached until the data changes (reports.cache).

    `vn` is the country in the scheme valid on 31 December of the year, for a reader whose scope for ntm.view is
    nationwide (anyone else: the 404 of an unknown area)."""
    year = parse_year(year)
    unit = report_area(area, year_end(year), user=user, action=NATIONWIDE_ACTION)
    if isinstance(unit, Country):
        report = lambda: national_report(national_scope(year, unit))  # noqa: E731
    else:
        report = lambda: build_report(report_scope(year, unit))  # noqa: E731
    compute = lambda: {**report(), **area_blocks(year, unit)}  # noqa: E731
    return cached("ntm", year, unit.scheme, unit.area_id, basic_rule().text, get_language(), compute=compute)
