"""The official sheets as shipped: 26/2026/QĐ-TTg (Phụ lục II, 26 sheets, in force from 22/05/2026) and 1048/QĐ-TTg
(Phụ lục III, 26 sheets of 2019), loaded once per test session from evaluation/criteria/ (conftest.py).

Wording and points are compared with the JSON texts the sets are read from, walked here independently of
evaluation/official.py; what a printed text gets wrong must be a finding of the set, and every finding must be true of
the stored sheets.
"""

import datetime
import json
import re
import shutil
from collections import Counter
from decimal import Decimal

import pytest
import yaml
from django.db.models import Sum

from core.models import AuditEntry
from core.text import fold
from evaluation import queries
from evaluation.loader import CRITERIA_DIR, load_criteria_sets, load_files
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope
from evaluation.validation import CriteriaErrors

pytestmark = pytest.mark.django_db

JSON_2026 = CRITERIA_DIR / "qd-26-2026-sheets.json"
JSON_1048 = CRITERIA_DIR / "qd-1048-sheets.json"
PARTS_2026 = {"A": Decimal(40), "B": Decimal(25), "C": Decimal(35)}
PARTS_1048 = {"A": Decimal(35), "B": Decimal(25), "C": Decimal(40)}
GLYPHS_1048 = {"Rýợu": "Rượu"}
# The two misprints of 26/2026 (evaluation/criteria/SOURCES.md): (sheet, criterion, option position) → (printed, scored)
MISPRINTS_2026 = {(4, "7", 3): (Decimal(13), Decimal(3)), (11, "6.1.1", 2): (Decimal(11), Decimal(2))}
ADDITIVE = "additive_options"


def norm(value, glyphs=None) -> str:
    text = " ".join(str(value or "").split())
    for bad, good in (glyphs or {}).items():
        text = text.replace(bad, good)
    return text


def dec(value) -> Decimal:
    return Decimal(str(value))


def printed(path):
    return json.loads(path.read_text(encoding="utf-8"))


def leaves(sheet, glyphs=None, grouped=None):
    """The scored criteria of one JSON sheet in printed order: (part code, group, criterion, heading). `grouped(no,
    part, group)` names the set file's section of a printed heading (None: the heading is its own section); a grouped
    heading becomes the criterion's heading."""

    def walk(part, group, raw, heading):
        if raw.get("subcriteria"):
            own = f"{norm(raw['code'])} {norm(raw['name'], glyphs)}"
            for sub in raw["subcriteria"]:
                yield from walk(part, group, sub, f"{heading} · {own}" if heading else own)
        else:
            yield part, group, raw, heading

    for index, part in enumerate(sheet["parts"]):
        for group in part["groups"]:
            target = grouped(sheet["no"], "ABC"[index], group) if grouped else None
            heading = f"{group['no']}. {norm(group['name'], glyphs)}" if target else ""
            for raw in group["criteria"]:
                yield from walk("ABC"[index], group, raw, heading)


def grouped_1048(sheet_no, part, group):
    """1048.yaml's `sections`: Part C headings grouped as in 148, by words of the heading (tourism sheet 26 aside)."""
    rule = yaml.safe_load((CRITERIA_DIR / "1048.yaml").read_text(encoding="utf-8"))["official_sheets"]["sections"]
    if part not in rule or sheet_no in rule[part]["skip_sheets"]:
        return None
    name = fold(norm(group["name"], GLYPHS_1048))
    return next(t["code"] for t in rule[part]["sections"] if any(fold(w) in name for w in t["match"]))


def expected_sheet(sheet, *, over_max, glyphs=None, grouped=None):
    """One JSON sheet as it must be stored: [(code, section, text, heading, [(text, points, printed, star, case)])].

    As evaluation/official.py documents it: an option printed without points scores 0; one printed above its
    criterion's maximum scores the maximum (`over_max="cap"`, printed points kept) or its printed points ("keep");
    a criterion printed without levels is scored Không 0 / Có (its maximum); an additive criterion is one Có/Không
    line per printed item; a code printed twice gets " (2)".
    """
    rows, seen = [], Counter()
    for part, group, raw, heading in leaves(sheet, glyphs, grouped):
        code, name = norm(raw["code"]), norm(raw["name"], glyphs)
        target = grouped(sheet["no"], part, group) if grouped else None
        section = f"{sheet['no']:02d}/{target or group['no']}"
        maximum = None if raw.get("max") is None else dec(raw["max"])
        if ADDITIVE in " ".join(raw.get("flags") or []):
            for n, option in enumerate(raw["options"], start=1):
                yes_no = [("Không", Decimal(0), None, None, ""), ("Có", dec(option["points"]), None, None, "")]
                own = f"{heading} · {code} {name}" if heading else f"{code} {name}"
                rows.append((f"{code}.{n}", section, norm(option["text"], glyphs), own, yes_no))
            continue
        options = []
        for option in raw["options"]:
            points, printed_points = dec(option["points"] or 0), None
            if over_max == "cap" and maximum is not None and points > maximum:
                points, printed_points = maximum, points
            star = int(option["min_star"]) if option.get("min_star") else None
            options.append((norm(option["text"], glyphs), points, printed_points, star, norm(option.get("case"))))
        if not raw["options"]:
            options = [("Không", Decimal(0), None, None, ""), ("Có", maximum, None, None, "")]
        seen[code] += 1
        if seen[code] > 1:
            code = f"{code} ({seen[code]})"
        rows.append((code, section, name, heading, options))
    return rows


def stored_sheet(scope):
    return [
        (
            c.code,
            c.section.code,
            c.text,
            c.heading,
            [(o.text, o.points, o.printed_points, o.min_star, o.case_label) for o in c.options.order_by("position")],
        )
        for c in scope.criteria.select_related("section").order_by("position")
    ]


def sheets(code):
    return list(
        SheetScope.objects.filter(criteria_set__code=code).select_related("category", "criteria_set").order_by("number")
    )


def part_sums(scope) -> dict:
    return {
        row["section__part__code"]: row["total"]
        for row in scope.criteria.values("section__part__code").annotate(total=Sum("max_points"))
    }


def counts():
    return tuple(
        m.objects.count()
        for m in (CriteriaSet, Part, Section, SheetScope, Criterion, Option, MandatoryRule, AuditEntry)
    )


# --- 26/2026/QĐ-TTg -------------------------------------------------------------------------------------------------


def test_2026_is_published_and_in_force_from_22_may_2026():
    cs = CriteriaSet.objects.get(code="26-2026")
    assert (cs.system, cs.status, cs.official) == ("2026", "published", True)
    assert "26/2026/QĐ-TTg" in cs.decision
    assert queries.set_in_force(datetime.date(2026, 5, 22)) == cs
    assert queries.set_in_force(datetime.date(2026, 12, 31)) == cs
    assert queries.set_in_force(datetime.date(2026, 5, 21)).code != "26-2026"


def test_2026_has_the_26_printed_sheets():
    data = printed(JSON_2026)
    assert len(data["sheets"]) == 26
    stored = sheets("26-2026")
    assert [(s.category.system, s.category.code, s.number) for s in stored] == [
        ("2026", f"{n:02d}", n) for n in range(1, 27)
    ]
    for scope, raw in zip(stored, data["sheets"], strict=True):
        assert (scope.title, scope.classification) == (norm(raw["name"]), norm(raw["classification"]))
        assert scope.source == "evaluation/criteria/26-2026.yaml"
        assert queries.sheet_for(scope.criteria_set, scope.category) == scope
    assert stored[0].title == "Rau, củ, quả, hạt tươi"
    assert stored[25].title == "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"


def test_2026_every_sheet_reaches_40_25_35_with_its_best_options():
    for scope in sheets("26-2026"):
        assert part_sums(scope) == PARTS_2026, scope.number
        for c in scope.criteria.prefetch_related("options"):
            assert c.max_points == max(o.points for o in c.options.all()), (scope.number, c.code)


def test_2026_options_are_the_printed_ones():
    """Every sheet, criterion and option as printed: wording, points, star marker and case, in order."""
    data = printed(JSON_2026)
    for scope, raw in zip(sheets("26-2026"), data["sheets"], strict=True):
        assert stored_sheet(scope) == expected_sheet(raw, over_max="cap"), scope.number
    total = sum(len(o) for s in data["sheets"] for *_, o in expected_sheet(s, over_max="cap"))
    assert Option.objects.filter(criterion__scope__criteria_set__code="26-2026").count() == total


def test_2026_printed_points_are_kept_where_scored_otherwise():
    """Only the two misprints score other than printed, and an option printed without points scores 0."""
    options = Option.objects.filter(criterion__scope__criteria_set__code="26-2026")
    differing = {
        (o.criterion.scope.number, o.criterion.code, o.position): (o.printed_points, o.points)
        for o in options.exclude(printed_points=None).select_related("criterion__scope")
    }
    assert differing == MISPRINTS_2026
    unprinted = {
        (raw["no"], norm(c["code"]), norm(o["text"]))
        for raw in printed(JSON_2026)["sheets"]
        for _, _, c, _ in leaves(raw)
        for o in c["options"]
        if o["points"] is None
    }
    assert {(n, code) for n, code, _ in unprinted} == {(4, "1.2"), (7, "1.2"), (10, "1.2"), (11, "1.2")}
    findings = CriteriaSet.objects.get(code="26-2026").findings
    for number, code, text in unprinted:
        option = options.get(criterion__scope__number=number, criterion__code=code, text=text)
        assert (option.points, option.printed_points) == (0, None)
        assert f"phiếu {number:02d}, tiêu chí {code}: mức '{text}' không in điểm; tính 0 điểm." in findings


def test_2026_the_two_misprints_are_findings_and_score_the_maximum():
    findings = CriteriaSet.objects.get(code="26-2026").findings
    for (number, code, position), (printed_points, points) in MISPRINTS_2026.items():
        option = Option.objects.select_related("criterion").get(
            criterion__scope__criteria_set__code="26-2026",
            criterion__scope__number=number,
            criterion__code=code,
            position=position,
        )
        assert (option.printed_points, option.points, option.criterion.max_points) == (printed_points, points, points)
        about = [f for f in findings if f.startswith(f"phiếu {number:02d}, tiêu chí {code}: ")]
        assert len(about) == 1, about
        assert f"in {printed_points} điểm" in about[0] and f"vượt điểm tối đa {points}" in about[0]
        assert f"'{option.text}'" in about[0]
    sheet_4 = Option.objects.get(
        criterion__scope__criteria_set__code="26-2026", criterion__scope__number=4, criterion__code="7", position=3
    )
    assert (sheet_4.text, sheet_4.printed_points, sheet_4.points) == ("Có trên 2 chỉ tiêu", 13, 3)


def test_2026_sheet_1_star_markers_are_those_of_contract_8():
    scope = SheetScope.objects.get(criteria_set__code="26-2026", number=1)
    assert scope.criteria.count() == 32
    stars = Counter(
        Option.objects.filter(criterion__scope=scope).exclude(min_star=None).values_list("min_star", flat=True)
    )
    assert stars == {3: 7, 4: 12, 5: 3}


def test_2026_star_markers_of_every_sheet_are_the_printed_ones():
    for scope, raw in zip(sheets("26-2026"), printed(JSON_2026)["sheets"], strict=True):
        marked = Counter(o["min_star"] for _, _, c, _ in leaves(raw) for o in c["options"] if o.get("min_star"))
        stored = Counter(
            Option.objects.filter(criterion__scope=scope).exclude(min_star=None).values_list("min_star", flat=True)
        )
        assert stored == marked and sum(stored.values()) > 0, scope.number


def test_2026_each_star_marker_is_a_mandatory_rule():
    options = Option.objects.filter(criterion__scope__criteria_set__code="26-2026").exclude(min_star=None)
    rules = {
        (r.criterion_id, r.stars): r
        for r in MandatoryRule.objects.filter(criterion__scope__criteria_set__code="26-2026").select_related("option")
    }
    assert options.count() > 0
    for option in options:
        rule = rules.get((option.criterion_id, option.min_star))
        assert rule is not None, (option.criterion_id, option.text)
        assert rule.min_points <= option.points
    # one rule per (criterion, star): the lowest option of the criterion marked with that star
    lowest = {}
    for option in options:
        key = (option.criterion_id, option.min_star)
        lowest[key] = min(lowest.get(key, option.points), option.points)
    assert {k: r.min_points for k, r in rules.items()} == lowest
    assert all(r.option.criterion_id == r.criterion_id and r.option.min_star == r.stars for r in rules.values())


def test_2026_knock_out_conditions_and_notes_are_stored():
    for scope, raw in zip(sheets("26-2026"), printed(JSON_2026)["sheets"], strict=True):
        assert scope.eliminated_when == [norm(e) for e in raw["eliminated_when"] if norm(e)], scope.number
        assert scope.notes == [norm(n) for n in raw["notes"] if norm(n).strip("- ")], scope.number
        if scope.number < 26:  # sheet 26 (tourism) prints no knock-out condition
            assert scope.eliminated_when, scope.number
        printed_notes = {norm(n) for _, _, c, _ in leaves(raw) for n in c.get("notes") or []}
        printed_notes |= {norm(n) for p in raw["parts"] for g in p["groups"] for c in g["criteria"] for n in c["notes"]}
        stored_notes = {n for notes in scope.criteria.values_list("notes", flat=True) for n in notes}
        assert stored_notes == printed_notes - {""}, scope.number
    first = SheetScope.objects.get(criteria_set__code="26-2026", number=1)
    assert first.eliminated_when[0].startswith("Giả mạo hồ sơ")
    assert Criterion.objects.get(scope=first, code="1.1").notes == [
        "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"
    ]


def test_2026_sub_criteria_are_flattened_under_their_heading():
    scope = SheetScope.objects.get(criteria_set__code="26-2026", number=11)
    criterion = Criterion.objects.get(scope=scope, code="6.1.1")
    assert (criterion.text, criterion.heading) == ("Tạp chất", "6.1 Ngoại hình")
    assert not Criterion.objects.filter(scope=scope, code="6.1").exists()  # the parent is a heading, not scored
    assert Criterion.objects.filter(scope=scope, heading="").exclude(code__contains=".").exists()


def test_2026_the_bilingual_label_is_scored_yes_or_no_and_is_a_finding():
    data = printed(JSON_2026)
    unlevelled = {
        (raw["no"], norm(c["code"])): norm(c["name"])
        for raw in data["sheets"]
        for _, _, c, _ in leaves(raw)
        if not c["options"]
    }
    assert set(unlevelled) == {(n, "2.4") for n in range(1, 21)} | {(21, "2.3"), (22, "2.3")}
    findings = CriteriaSet.objects.get(code="26-2026").findings
    for (number, code), name in unlevelled.items():
        assert "song ngữ" in name
        criterion = Criterion.objects.get(scope__criteria_set__code="26-2026", scope__number=number, code=code)
        assert criterion.text == name and criterion.max_points == 1
        assert [(o.text, o.points) for o in criterion.options.order_by("position")] == [("Không", 0), ("Có", 1)]
        assert any(
            f.startswith(f"phiếu {number:02d}, tiêu chí {code} (") and "không in mức đánh giá" in f for f in findings
        ), (number, code)


def test_2026_findings_are_only_what_the_text_leaves_out_or_misprints():
    """28 findings: 22 bilingual labels without levels, 4 options without points, the 2 misprints; no sum is off."""
    findings = CriteriaSet.objects.get(code="26-2026").findings
    kinds = Counter()
    for finding in findings:
        if "không in mức đánh giá" in finding:
            kinds["no levels"] += 1
        elif finding.endswith("không in điểm; tính 0 điểm."):
            kinds["no points"] += 1
        elif "lỗi in của văn bản" in finding:
            kinds["misprint"] += 1
        else:
            kinds[finding] += 1
    assert kinds == {"no levels": 22, "no points": 4, "misprint": 2}
    assert len(set(findings)) == len(findings)


def test_2026_groups_are_the_sections_of_each_sheet():
    cs = CriteriaSet.objects.get(code="26-2026")
    expected = [
        (
            f"{raw['no']:02d}/{group['no']}",
            norm(group["name"]),
            "ABC"[index],
            [norm(n) for n in group.get("notes") or []],
        )
        for raw in printed(JSON_2026)["sheets"]
        for index, part in enumerate(raw["parts"])
        for group in part["groups"]
    ]
    stored = [(s.code, s.name, s.part.code, s.notes) for s in cs.sections.select_related("part").order_by("position")]
    assert stored == expected
    assert sum(1 for *_, notes in stored if notes) > 0


# --- 1048/QĐ-TTg ----------------------------------------------------------------------------------------------------

NUMBER = r"(\d+(?:,\d+)?)"
FINDING_PATTERNS = {
    "part": re.compile(
        rf"^phiếu (\d\d): tổng điểm tối đa các tiêu chí phần ([ABC]) là {NUMBER}, phải bằng điểm của phần \((\d+)\)\.$"
    ),
    "total": re.compile(rf"^phiếu (\d\d): tổng điểm tối đa là {NUMBER}, phải bằng 100\.$"),
    "best": re.compile(
        rf"^phiếu (\d\d): mức cao nhất của tiêu chí (\S+) là {NUMBER} điểm, chưa đạt điểm tối đa {NUMBER}\.$"
    ),
    "keep": re.compile(
        rf"^phiếu (\d\d), tiêu chí (\S+): mức '(.+)' in {NUMBER} điểm, trên điểm tối đa in cho tiêu chí "
        rf"\({NUMBER}\); giữ điểm của mức như văn bản\.$"
    ),
    "repeated": re.compile(r"^phiếu (\d\d): mã tiêu chí (\S+) in lặp lại; lần sau ghi là (.+)\.$"),
    "additive": re.compile(
        r"^phiếu (\d\d), tiêu chí (\S+): văn bản cộng điểm các nội dung ghi 'Có'; mỗi nội dung là một dòng Có/Không\.$"
    ),
    "glyph": re.compile(r"^chữ hỏng trong bản nguồn '(.+)' được sửa thành '(.+)'\.$"),
}


def number(text) -> Decimal:
    return Decimal(text.replace(",", "."))


def classify(findings):
    found = {kind: [] for kind in FINDING_PATTERNS}
    for finding in findings:
        matches = [(kind, m) for kind, pattern in FINDING_PATTERNS.items() if (m := pattern.match(finding))]
        assert len(matches) == 1, f"finding not recognised: {finding}"
        kind, match = matches[0]
        found[kind].append(match.groups())
    return found


def printed_leaf(data, number_, code):
    sheet = data["sheets"][number_ - 1]
    assert sheet["no"] == number_
    found = [c for _, _, c, _ in leaves(sheet, GLYPHS_1048) if norm(c["code"]) == code]
    assert len(found) == 1, (number_, code)
    return found[0]


def stored_1048(number_, code):
    return Criterion.objects.get(scope__criteria_set__code="1048", scope__number=number_, code=code)


def test_1048_is_published_with_the_26_printed_sheets():
    cs = CriteriaSet.objects.get(code="1048")
    assert (cs.system, cs.status, cs.official) == ("1048", "published", True)
    assert queries.set_in_force(datetime.date(2020, 1, 1)) == cs
    data = printed(JSON_1048)
    stored = sheets("1048")
    assert [(s.category.system, s.category.code, s.number) for s in stored] == [
        ("1048", f"{n:02d}", n) for n in range(1, 27)
    ]
    for scope, raw in zip(stored, data["sheets"], strict=True):
        assert scope.title == norm(raw["name"], GLYPHS_1048)
        assert scope.classification == norm(raw["classification"], GLYPHS_1048)
        knock_outs = raw["eliminated_when"] if isinstance(raw["eliminated_when"], list) else [raw["eliminated_when"]]
        assert scope.eliminated_when == [norm(e, GLYPHS_1048) for e in knock_outs if norm(e)], scope.number
        assert queries.sheet_for(cs, scope.category) == scope
    assert not Option.objects.filter(criterion__scope__criteria_set=cs).exclude(min_star=None).exists()
    assert not MandatoryRule.objects.filter(criterion__scope__criteria_set=cs).exists()  # 781's list: not at hand


def test_1048_options_are_the_printed_ones():
    data = printed(JSON_1048)
    for scope, raw in zip(sheets("1048"), data["sheets"], strict=True):
        expected = expected_sheet(raw, over_max="keep", glyphs=GLYPHS_1048, grouped=grouped_1048)
        assert stored_sheet(scope) == expected, scope.number
    assert not Option.objects.filter(criterion__scope__criteria_set__code="1048").exclude(printed_points=None).exists()


def test_1048_part_c_has_the_three_sections_of_148():
    """Issue 11 §5: sub-group 1 (domain.md §4) as the one complete 1048 sheet places it — sensory, nutrition and
    uniqueness; the published standard, food-safety tests and quality assurance; the global market."""
    placed = {}
    for c in sheets("1048")[0].criteria.select_related("section").filter(section__part__code="C"):
        placed.setdefault(c.section.code, []).append(c.code)
    assert placed == {
        "01/C1": ["6.1", "6.2", "6.3", "6.4", "6.5", "7", "8"],
        "01/C2": ["9.1", "9.2", "10"],
        "01/C3": ["11"],
    }
    names = dict(Section.objects.filter(criteria_set__code="1048", code__startswith="01/C").values_list("code", "name"))
    assert names == {
        "01/C1": "Chỉ tiêu cảm quan, dinh dưỡng, tính độc đáo",
        "01/C2": "Tiêu chuẩn sản phẩm",
        "01/C3": "Khả năng xuất khẩu, phân phối thị trường quốc tế",
    }
    for scope in sheets("1048"):
        sections = set(scope.criteria.filter(section__part__code="C").values_list("section__code", flat=True))
        if scope.number == 26:  # the tourism sheet keeps its printed headings
            assert not any(code.endswith(("/C1", "/C2", "/C3")) for code in sections)
        else:
            assert {code.split("/")[1] for code in sections} <= {"C1", "C2", "C3"}, scope.number
            assert {"C1", "C3"} <= {code.split("/")[1] for code in sections}, scope.number


def test_1048_every_finding_is_true_of_the_stored_sheets():
    cs = CriteriaSet.objects.get(code="1048")
    data = printed(JSON_1048)
    found = classify(cs.findings)
    assert len(cs.findings) == len(set(cs.findings))
    parts = {p.code: p.points for p in cs.parts.all()}
    scopes = {s.number: s for s in sheets("1048")}
    for sheet_no, part, total, points in found["part"]:
        sums = part_sums(scopes[int(sheet_no)])
        assert sums[part] == number(total) != parts[part] == int(points), (sheet_no, part)
    for sheet_no, total in found["total"]:
        assert sum(part_sums(scopes[int(sheet_no)]).values()) == number(total) != 100
    for sheet_no, code, best, maximum in found["best"]:
        criterion = stored_1048(int(sheet_no), code)
        assert criterion.max_points == number(best) == max(o.points for o in criterion.options.all())
        assert dec(printed_leaf(data, int(sheet_no), code)["max"]) == number(maximum) > number(best)
    for sheet_no, code, text, points, maximum in found["keep"]:
        option = Option.objects.get(criterion=stored_1048(int(sheet_no), code), text=text)
        assert (option.points, option.printed_points) == (number(points), None)
        assert dec(printed_leaf(data, int(sheet_no), code)["max"]) == number(maximum) < number(points)
    for sheet_no, code, renamed in found["repeated"]:
        printed_codes = [norm(c["code"]) for _, _, c, _ in leaves(data["sheets"][int(sheet_no) - 1])]
        assert printed_codes.count(code) == 2
        assert stored_1048(int(sheet_no), code).position < stored_1048(int(sheet_no), renamed).position
    for sheet_no, code in found["additive"]:
        raw = printed_leaf(data, int(sheet_no), code)
        assert any(ADDITIVE in flag for flag in raw["flags"])
        lines = Criterion.objects.filter(scope=scopes[int(sheet_no)], heading__startswith=f"{code} ").order_by(
            "position"
        )
        assert [c.code for c in lines] == [f"{code}.{n}" for n in range(1, len(raw["options"]) + 1)]
        for line, option in zip(lines, raw["options"], strict=True):
            assert [(o.text, o.points) for o in line.options.all()] == [("Không", 0), ("Có", dec(option["points"]))]
    for bad, good in found["glyph"]:
        assert bad in JSON_1048.read_text(encoding="utf-8")
        stored_texts = [
            *SheetScope.objects.filter(criteria_set=cs).values_list("title", flat=True),
            *Criterion.objects.filter(scope__criteria_set=cs).values_list("text", flat=True),
            *Option.objects.filter(criterion__scope__criteria_set=cs).values_list("text", flat=True),
        ]
        assert not any(bad in t for t in stored_texts) and any(good in t for t in stored_texts)
    # and none is missing: every stated maximum no option reaches, every option above its stated maximum
    below, above = set(), set()
    for raw in data["sheets"]:
        for _, _, c, _ in leaves(raw, GLYPHS_1048):
            if any(ADDITIVE in flag for flag in c.get("flags") or []) or c.get("max") is None:
                continue
            best = max(dec(o["points"]) for o in c["options"])
            if best < dec(c["max"]):
                below.add((f"{raw['no']:02d}", norm(c["code"])))
            if best > dec(c["max"]):
                above.add((f"{raw['no']:02d}", norm(c["code"])))
    assert {(n, code) for n, code, *_ in found["best"]} == below
    assert {(n, code) for n, code, *_ in found["keep"]} == above
    # what the shared README lists: sheets 4, 13, 17, 25 and 26 whose printed maxima do not add up, each explained
    explained = {int(f[0]) for kind in ("part", "best", "keep") for f in found[kind]}
    assert {4, 13, 17, 25, 26} <= explained
    assert found["glyph"] == [("Rýợu", "Rượu")]
    assert ("14", "6.1.3", "6.1.3 (2)") in found["repeated"]
    assert {int(n) for n, _ in found["additive"]} == {26}


def test_1048_sheets_without_a_sum_finding_reach_35_25_40():
    cs = CriteriaSet.objects.get(code="1048")
    found = classify(cs.findings)
    unbalanced = {int(n) for n, *_ in found["part"]}
    assert unbalanced == {int(n) for n, _ in found["total"]}  # in 1048 every sheet with a part off is off in total
    assert unbalanced and len(unbalanced) < 26
    for scope in sheets("1048"):
        sums = part_sums(scope)
        if scope.number in unbalanced:
            assert sums != PARTS_1048
        else:
            assert sums == PARTS_1048, scope.number
        for c in scope.criteria.prefetch_related("options"):
            assert c.max_points == max(o.points for o in c.options.all()), (scope.number, c.code)


def test_1048_the_glyph_fix_is_applied_and_listed():
    scope = SheetScope.objects.get(criteria_set__code="1048", number=15)
    assert scope.title == "Rượu trắng" and printed(JSON_1048)["sheets"][14]["name"] == "Rýợu trắng"
    assert "chữ hỏng trong bản nguồn 'Rýợu' được sửa thành 'Rượu'." in CriteriaSet.objects.get(code="1048").findings


def test_1048_sheet_14_keeps_its_repeated_code_apart():
    scope = SheetScope.objects.get(criteria_set__code="1048", number=14)
    rows = list(scope.criteria.filter(code__startswith="6.1.3").order_by("position").values_list("code", "heading"))
    heading = "6. CHỈ TIÊU CẢM QUAN · 6.1 Ngoại hình"  # the printed group (now in section C1), then the parent
    assert rows == [("6.1.3", heading), ("6.1.3 (2)", heading)]
    printed_rows = [
        norm(c["name"]) for _, _, c, _ in leaves(printed(JSON_1048)["sheets"][13]) if norm(c["code"]) == "6.1.3"
    ]
    assert list(
        scope.criteria.filter(code__startswith="6.1.3").order_by("position").values_list("text", flat=True)
    ) == (printed_rows)
    assert "phiếu 14: mã tiêu chí 6.1.3 in lặp lại; lần sau ghi là 6.1.3 (2)." in (
        CriteriaSet.objects.get(code="1048").findings
    )


# --- reloads and corrections ----------------------------------------------------------------------------------------


def snapshot():
    return (
        counts(),
        sorted(CriteriaSet.objects.values_list("code", "status", "findings", "source")),
        list(SheetScope.objects.order_by("id").values_list("id", "title", "eliminated_when", "notes", "source")),
        list(Criterion.objects.order_by("id").values_list("id", "code", "text", "heading", "notes", "max_points")),
        list(
            Option.objects.order_by("id").values_list(
                "id", "text", "points", "printed_points", "min_star", "case_label"
            )
        ),
    )


def test_reloading_the_shipped_files_changes_nothing():
    before = snapshot()
    audit = AuditEntry.objects.count()
    result = load_criteria_sets()
    assert result.counts["sets_unchanged"] == 3 and result.counts["sheets_unchanged"] == 52
    assert sum(result.counts.values()) == 3 + 52  # nothing created, updated, replaced or kept
    assert AuditEntry.objects.count() == audit
    assert snapshot() == before


def copy_2026(tmp_path, code="26-2026-dc", status="published", corrections=()):
    """The shipped 26-2026.yaml under another code, with the JSON copied next to it."""
    data = yaml.safe_load((CRITERIA_DIR / "26-2026.yaml").read_text(encoding="utf-8"))
    data.update(code=code, status=status)
    data["official_sheets"]["corrections"] = list(corrections)
    if not (tmp_path / JSON_2026.name).exists():
        shutil.copy(JSON_2026, tmp_path / JSON_2026.name)
    path = tmp_path / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def correction(points, basis, sheet=11, criterion="6.1.1", option=2):
    return {"sheet": sheet, "criterion": criterion, "option": option, "points": points, "basis": basis}


def option_of(code, sheet, criterion, position):
    return Option.objects.select_related("criterion").get(
        criterion__scope__criteria_set__code=code,
        criterion__scope__number=sheet,
        criterion__code=criterion,
        position=position,
    )


def test_a_recorded_correction_scores_the_corrected_points(tmp_path):
    basis = "Quyết định đính chính số 1/QĐ-TTg (thử)"
    result = load_files([copy_2026(tmp_path, corrections=[correction(1, basis)])])
    assert (result.counts["sets_created"], result.counts["sheets_created"]) == (1, 26)
    cs = CriteriaSet.objects.get(code="26-2026-dc")
    assert (cs.status, cs.official, cs.source) == ("published", True, "26-2026-dc.yaml")
    corrected = option_of("26-2026-dc", 11, "6.1.1", 2)
    assert (corrected.text, corrected.printed_points, corrected.points) == ("Có rất ít tạp chất, chấp nhận được", 11, 1)
    assert corrected.criterion.max_points == 2  # "Sạch, không phát hiện tạp chất" stays the best option
    assert part_sums(SheetScope.objects.get(criteria_set=cs, number=11)) == PARTS_2026
    about_11 = [f for f in cs.findings if f.startswith("phiếu 11, tiêu chí 6.1.1: ")]
    assert len(about_11) == 1
    assert "in 11 điểm" in about_11[0] and "đính chính thành 1 điểm" in about_11[0] and f"({basis})" in about_11[0]
    assert "vượt điểm tối đa" not in about_11[0]
    # the misprint without a correction is still capped, and the shipped set is untouched
    assert (option_of("26-2026-dc", 4, "7", 3).printed_points, option_of("26-2026-dc", 4, "7", 3).points) == (13, 3)
    assert any(f.startswith("phiếu 04, tiêu chí 7: ") and "vượt điểm tối đa 3" in f for f in cs.findings)
    assert (option_of("26-2026", 11, "6.1.1", 2).printed_points, option_of("26-2026", 11, "6.1.1", 2).points) == (11, 2)
    shipped = CriteriaSet.objects.get(code="26-2026").findings
    assert [f for f in cs.findings if not f.startswith("phiếu 11, tiêu chí 6.1.1: ")] == [
        f for f in shipped if not f.startswith("phiếu 11, tiêu chí 6.1.1: ")
    ]
    assert Option.objects.filter(criterion__scope__criteria_set=cs).count() == (
        Option.objects.filter(criterion__scope__criteria_set__code="26-2026").count()
    )


def test_a_changed_correction_replaces_only_its_sheet_of_a_draft_and_is_refused_once_published(tmp_path):
    load_files([copy_2026(tmp_path, status="draft", corrections=[correction(1, "đính chính lần 1")])])
    cs = CriteriaSet.objects.get(code="26-2026-dc")
    assert cs.status == "draft"
    last_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    result = load_files([copy_2026(tmp_path, status="draft", corrections=[correction(0, "đính chính lần 2")])])
    assert (result.counts["sets_updated"], result.counts["sheets_replaced"], result.counts["sheets_unchanged"]) == (
        1,
        1,
        25,
    )
    option = option_of("26-2026-dc", 11, "6.1.1", 2)
    assert (option.printed_points, option.points) == (11, 0)
    cs.refresh_from_db()
    assert any("đính chính thành 0 điểm (đính chính lần 2)" in f for f in cs.findings)
    assert not any("đính chính lần 1" in f for f in cs.findings)
    entries = AuditEntry.objects.filter(id__gt=last_entry)
    assert sorted(e.action for e in entries) == ["evaluation.criteria_set.updated", "evaluation.sheet.replaced"]
    replaced = entries.get(action="evaluation.sheet.replaced")
    assert replaced.object_id == str(SheetScope.objects.get(criteria_set=cs, number=11).id)
    # published: the sheets are never edited again, a changed correction is refused and nothing is written
    load_files([copy_2026(tmp_path, status="published", corrections=[correction(0, "đính chính lần 2")])])
    assert CriteriaSet.objects.get(code="26-2026-dc").status == "published"
    before = snapshot()
    with pytest.raises(CriteriaErrors) as exc:
        load_files([copy_2026(tmp_path, status="published", corrections=[correction(1, "đính chính lần 3")])])
    [problem] = exc.value.problems
    assert problem.origin.path.endswith("sheets[11]") and problem.column == "group"
    assert problem.message == (
        "phiếu 11 của bộ tiêu chí 26-2026-dc (đã ban hành) đã có, không sửa được; "
        "hãy nạp phiên bản mới của bộ tiêu chí với mã mới."
    )
    assert snapshot() == before


def test_a_correction_matching_no_option_is_a_finding(tmp_path):
    load_files([copy_2026(tmp_path, corrections=[correction(1, "không khớp", criterion="9.9")])])
    cs = CriteriaSet.objects.get(code="26-2026-dc")
    assert "đính chính cho phiếu 11, tiêu chí 9.9, mức 2 không khớp mức nào." in cs.findings
    assert (option_of("26-2026-dc", 11, "6.1.1", 2).printed_points, option_of("26-2026-dc", 11, "6.1.1", 2).points) == (
        11,
        2,
    )


# --- a published sheet is never edited, not even its knock-outs; a correction cannot exceed the printed maximum ----


def test_the_knock_out_conditions_of_a_published_sheet_are_never_edited(tmp_path):
    load_files([copy_2026(tmp_path)])
    data = printed(tmp_path / JSON_2026.name)
    data["sheets"][0]["eliminated_when"] = ["Điều kiện loại khác"]
    (tmp_path / JSON_2026.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CriteriaErrors, match="đã ban hành"):
        load_files([copy_2026(tmp_path)])
    assert snapshot() == before


def test_a_correction_above_the_printed_maximum_is_refused(tmp_path):
    path = copy_2026(tmp_path, corrections=[correction(13, "gõ nhầm", sheet=4, criterion="7", option=3)])
    with pytest.raises(CriteriaErrors, match="vượt điểm tối đa 3 của tiêu chí 7"):
        load_files([path])
    assert not CriteriaSet.objects.filter(code="26-2026-dc").exists()
