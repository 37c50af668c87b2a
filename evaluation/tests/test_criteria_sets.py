"""Criteria sets from YAML: the shipped files (their sets; the official sheets are in test_official_sheets.py), the YAML
format read from a fixture set (tests/data/sample-1048.yaml, loaded under its own codes), validation of broken sets,
idempotent and safe reloads."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db.models import Sum

from core.errors import DomainError
from core.models import AuditEntry
from evaluation import loader, queries
from evaluation.loader import CRITERIA_DIR, load_criteria_sets, load_files
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope
from evaluation.validation import CriteriaErrors
from products.models import ProductCategory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "sample-1048.yaml"
SHIPPED_SETS = 3  # 148.yaml, 1048.yaml, 26-2026.yaml
SHIPPED_SHEETS = 52  # 26 of 1048 + 26 of 26/2026 (148 ships none)


def shipped(name):
    return yaml.safe_load((CRITERIA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def sample():
    """The fixture set: the 1048 structure with one full sheet (sub-group 01) written in the YAML format."""
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def write_set(tmp_path, data, name="set.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def version_of(code="T1", status="draft", **changes):
    """The fixture set under its own code (only the sheet of sub-group 01 and scope 02)."""
    data = sample()
    data.update(code=code, status=status, scopes=[data["scopes"][0], "02"], **changes)
    return data


def counts():
    return tuple(
        m.objects.count()
        for m in (CriteriaSet, Part, Section, SheetScope, Criterion, Option, MandatoryRule, AuditEntry)
    )


def criterion(data, code):
    return next(c for c in data["scopes"][0]["criteria"] if c["code"] == code)


# --- the shipped files --------------------------------------------------------------------------------------------


def test_the_shipped_sets():
    rows = {
        cs.code: (cs.system, cs.status, cs.official, cs.valid_from, cs.valid_until, cs.source)
        for cs in CriteriaSet.objects.all()
    }
    assert rows == {
        "1048": (
            "1048",
            "published",
            True,
            datetime.date(2019, 8, 21),
            datetime.date(2023, 2, 24),
            "evaluation/criteria/1048.yaml",
        ),
        "148": (
            "148",
            "draft-structure",
            False,
            datetime.date(2023, 2, 24),
            datetime.date(2026, 7, 21),
            "evaluation/criteria/148.yaml",
        ),
        "26-2026": ("2026", "published", True, datetime.date(2026, 5, 22), None, "evaluation/criteria/26-2026.yaml"),
    }
    for code, points in (("1048", {"A": 35, "B": 25, "C": 40}), ("26-2026", {"A": 40, "B": 25, "C": 35})):
        cs = CriteriaSet.objects.get(code=code)
        assert {p.code: p.points for p in cs.parts.all()} == points
        scopes = list(cs.scopes.select_related("category"))
        assert [s.category.code for s in scopes] == [f"{n:02d}" for n in range(1, 27)]
        assert all(s.category.system == cs.system and s.category.level == "subgroup" for s in scopes)
        assert all(s.criteria.exists() and s.source == cs.source for s in scopes)
        assert cs.findings  # what the printed text gets wrong is listed (test_official_sheets.py)
    assert CriteriaSet.objects.get(code="148").findings == []


def test_the_fixture_sheet_reaches_each_part_and_100(tmp_path):
    data = sample()
    data["code"] = "T1"
    load_files([write_set(tmp_path, data)])
    cs = CriteriaSet.objects.get(code="T1")
    assert (cs.system, cs.status, cs.official, cs.findings, cs.valid_from, cs.valid_until) == (
        "1048",
        "draft",
        False,
        [],
        datetime.date(2019, 8, 21),
        datetime.date(2023, 2, 24),
    )
    assert {p.code: p.points for p in cs.parts.all()} == {"A": 35, "B": 25, "C": 40}
    assert [s.code for s in cs.sections.all()] == ["A1", "A2", "A3", "B1", "B2", "C"]
    scopes = list(cs.scopes.select_related("category"))
    assert [s.category.code for s in scopes] == [f"{n:02d}" for n in range(1, 27)]
    assert all(s.category.level == "subgroup" for s in scopes)
    sheet = scopes[0]
    assert sheet.category.name == "Rau, củ, quả, hạt tươi"
    by_part = {
        row["section__part__code"]: row["total"]
        for row in sheet.criteria.values("section__part__code").annotate(total=Sum("max_points"))
    }
    assert by_part == {"A": 35, "B": 25, "C": 40}
    by_section = {
        row["section__code"]: row["total"]
        for row in sheet.criteria.values("section__code").annotate(total=Sum("max_points"))
    }
    assert by_section == {"A1": 18, "A2": 8, "A3": 9, "B1": 15, "B2": 10, "C": 40}
    assert sheet.criteria.count() == 31
    assert all(not s.criteria.exists() for s in scopes[1:])  # the file names the other 25 scopes without sheets
    assert not MandatoryRule.objects.filter(criterion__scope__criteria_set=cs).exists()  # none in the file
    for c in sheet.criteria.prefetch_related("options"):
        assert c.max_points == max(o.points for o in c.options.all())
        assert all(o.min_star is None and o.printed_points is None and o.case_label == "" for o in c.options.all())


def test_the_fixture_options_are_read_as_written(tmp_path):
    load_files([write_set(tmp_path, version_of())])
    sheet = SheetScope.objects.get(criteria_set__code="T1", category__code="01")
    points = {c.code: [int(o.points) for o in c.options.all()] for c in sheet.criteria.prefetch_related("options")}
    assert points["A1.1"] == [1, 2, 3]
    assert points["A1.3"] == [1, 2, 3, 4]
    assert points["A1.5"] == [1, 2, 3, 4, 5]
    assert points["A3.1"] == [1, 2, 3]
    assert points["B1.1"] == [1, 2, 3, 5]
    assert points["B1.2"] == [0, 1, 3, 5]
    assert points["B2.3"] == [1, 2]
    assert points["C.2"] == [0, 1, 3, 5, 8]
    assert points["C.7"] == [0, 1, 3, 5]
    assert points["C.11"] == [1, 3, 5]
    assert [o.text for o in Option.objects.filter(criterion__scope=sheet, criterion__code="A1.1")] == [
        "Dưới 50%",
        "Từ 50% đến dưới 75%",
        "Từ 75% trở lên",
    ]


def test_shipped_148_is_a_structure_without_sheets():
    cs = CriteriaSet.objects.get(code="148")
    assert cs.status == "draft-structure"
    assert (cs.valid_from, cs.valid_until) == (datetime.date(2023, 2, 24), datetime.date(2026, 7, 21))
    assert {p.code: p.points for p in cs.parts.all()} == {"A": 40, "B": 25, "C": 35}
    assert [(s.part.code, s.name) for s in cs.sections.select_related("part")] == [
        ("A", "Tổ chức sản xuất"),
        ("A", "Phát triển sản phẩm"),
        ("A", "Sức mạnh cộng đồng"),
        ("B", "Tiếp thị"),
        ("B", "Câu chuyện về sản phẩm"),
        ("C", "Chỉ tiêu cảm quan, dinh dưỡng, tính độc đáo"),
        ("C", "Tiêu chuẩn sản phẩm"),
        ("C", "Khả năng xuất khẩu, phân phối thị trường quốc tế"),
    ]
    groups = set(ProductCategory.objects.filter(system="148", level="group"))
    assert {s.category for s in cs.scopes.all()} == groups and len(groups) == 6
    assert not Criterion.objects.filter(scope__criteria_set=cs).exists()
    with pytest.raises(DomainError, match="chưa ban hành"):
        queries.sheet_for(cs, ProductCategory.objects.get(system="148", code="thuc-pham"))


def test_set_in_force_by_date():
    assert queries.set_in_force(datetime.date(2019, 8, 20)) is None
    assert queries.set_in_force(datetime.date(2019, 8, 21)).code == "1048"
    assert queries.set_in_force(datetime.date(2023, 2, 23)).code == "1048"
    assert queries.set_in_force(datetime.date(2023, 2, 24)).code == "148"
    assert queries.set_in_force(datetime.date(2026, 5, 21)).code == "148"
    assert queries.set_in_force(datetime.date(2026, 5, 22)).code == "26-2026"  # 148 lapses later; 26/2026 rules
    assert queries.set_in_force(datetime.date(2026, 7, 21)).code == "26-2026"


def test_reloading_the_shipped_files_changes_nothing():
    before = counts()
    ids = list(Criterion.objects.order_by("id").values_list("id", flat=True))
    findings = dict(CriteriaSet.objects.values_list("code", "findings"))
    result = load_criteria_sets()
    assert result.counts["sets_unchanged"] == SHIPPED_SETS
    assert result.counts["sheets_unchanged"] == SHIPPED_SHEETS
    assert result.counts["sets_created"] == result.counts["sets_updated"] == result.counts["sheets_replaced"] == 0
    assert result.counts["sheets_created"] == result.counts["sets_kept"] == 0
    assert counts() == before
    assert list(Criterion.objects.order_by("id").values_list("id", flat=True)) == ids
    assert dict(CriteriaSet.objects.values_list("code", "findings")) == findings


def test_load_reference_data_prints_the_criteria_line():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert (
        f"criteria sets created=0 updated=0 unchanged={SHIPPED_SETS} kept=0 sheets created=0 replaced=0 "
        f"unchanged={SHIPPED_SHEETS}" in out.getvalue()
    )


# --- broken sets: every problem, by where it is, nothing written ----------------------------------------------------


def test_a_part_not_reaching_its_points_is_refused(tmp_path):
    data = version_of()
    criteria = data["scopes"][0]["criteria"]
    criteria.remove(criterion(data, "A1.6"))  # A: 34 of 35
    before = counts()
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data)])
    assert [str(p) for p in exc.value.problems] == [
        "set.yaml.scopes[01].part A: phiếu 01: tổng điểm tối đa các tiêu chí phần A là 34, phải bằng điểm của "
        "phần (35).",
        "set.yaml.scopes[01].group: phiếu 01: tổng điểm tối đa là 99, phải bằng 100.",
    ]
    assert counts() == before


def test_parts_not_reaching_100_are_refused(tmp_path):
    data = version_of()
    data["parts"][2]["points"] = 45
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data)])
    messages = [str(p) for p in exc.value.problems]
    assert "set.yaml.parts: tổng điểm các phần là 105 (A 35 + B 25 + C 45), phải bằng 100." in messages
    assert any("phần C là 40, phải bằng điểm của phần (45)" in m for m in messages)


def test_duplicate_codes_are_refused(tmp_path):
    data = version_of()
    criterion(data, "A1.2")["code"] = "A1.1"
    data["parts"][1]["sections"].append({"code": "A1", "name": "Trùng"})
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data)])
    messages = [str(p) for p in exc.value.problems]
    assert "set.yaml.scopes[01].criteria[A1.1].criterion_code: mã tiêu chí A1.1 bị lặp lại trong phiếu 01." in messages
    assert "set.yaml.parts[B].sections[A1].code: mã mục A1 bị lặp lại." in messages


def test_an_option_above_the_criterion_maximum_is_refused(tmp_path):
    data = version_of()
    criterion(data, "A1.1")["options"][0]["points"] = 4
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data)])
    messages = [str(p) for p in exc.value.problems]
    assert (
        "set.yaml.scopes[01].criteria[A1.1].options[1].points: mức 'Dưới 50%' có 4 điểm, vượt điểm tối đa 3 "
        "của tiêu chí A1.1." in messages
    )


def test_every_problem_is_reported_at_once_and_nothing_is_written(tmp_path):
    data = version_of(code="T-BROKEN")
    data["parts"][0]["points"] = 36  # set 101, part A not reached
    criterion(data, "B1.2")["code"] = "B1.1"  # duplicate
    criterion(data, "C.1")["options"][2]["points"] = "nhiều"  # not a number
    criterion(data, "C.2")["section"] = "C9"  # unknown section
    criterion(data, "C.3")["options"].append({"text": "Mức 3", "points": 3})  # duplicate option text
    criterion(data, "C.4")["options"][0]["mandatory_for_stars"] = [6]
    data["scopes"].append("khong-co")
    before = counts()
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data)])
    text = "\n".join(str(p) for p in exc.value.problems)
    for expected in (
        "tổng điểm các phần là 101",
        "tổng điểm tối đa các tiêu chí phần A là 35, phải bằng điểm của phần (36)",
        "mã tiêu chí B1.1 bị lặp lại",
        "criteria[C.1].options[3].points: điểm 'nhiều' không phải là số.",
        "mục 'C9' không có trong bộ tiêu chí T-BROKEN.",
        "mức 'Mức 3' bị lặp lại trong tiêu chí C.3.",
        "hạng sao '6' không hợp lệ (1 đến 5).",
        "không có nhóm / bộ sản phẩm mã 'khong-co' trong hệ thống 1048.",
    ):
        assert expected in text
    assert counts() == before
    assert not CriteriaSet.objects.filter(code="T-BROKEN").exists()


def test_a_broken_file_stops_a_good_one_loaded_with_it(tmp_path):
    good = write_set(tmp_path, version_of(code="T-GOOD"), "good.yaml")
    bad = version_of(code="T-BAD")
    bad["parts"][0]["code"] = "D"
    with pytest.raises(CriteriaErrors) as exc:
        load_files([good, write_set(tmp_path, bad, "bad.yaml")])
    assert "bad.yaml.parts[D].code: phần 'D' không hợp lệ: chỉ có phần A, B, C." in [str(p) for p in exc.value.problems]
    assert not CriteriaSet.objects.filter(code__in=["T-GOOD", "T-BAD"]).exists()


def test_malformed_yaml_is_reported_with_its_line(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("code: [1\nparts: x\n", encoding="utf-8")
    with pytest.raises(CriteriaErrors, match=r"x.yaml: không đọc được YAML dòng 2"):
        load_files([path])


# --- versions: loading, replacing, publishing ----------------------------------------------------------------------


def test_a_new_set_loads_and_reloads_idempotently(tmp_path):
    path = write_set(tmp_path, version_of())
    first = load_files([path])
    assert (first.counts["sets_created"], first.counts["sheets_created"]) == (1, 1)
    cs = CriteriaSet.objects.get(code="T1")
    assert cs.source == "set.yaml" and cs.scopes.count() == 2
    assert AuditEntry.objects.filter(action="evaluation.criteria_set.created", object_id=str(cs.id)).count() == 1
    before = counts()
    again = load_files([path])
    assert (again.counts["sets_unchanged"], again.counts["sheets_unchanged"]) == (1, 1)
    assert counts() == before


def test_a_draft_sheet_is_replaced_when_its_content_changes(tmp_path):
    load_files([write_set(tmp_path, version_of())])
    data = version_of()
    criterion(data, "A1.2")["options"][1]["text"] = "Phân loại"
    result = load_files([write_set(tmp_path, data)])
    assert (result.counts["sets_updated"], result.counts["sheets_replaced"]) == (1, 1)
    option = Option.objects.get(criterion__scope__criteria_set__code="T1", criterion__code="A1.2", position=2)
    assert option.text == "Phân loại"
    assert AuditEntry.objects.filter(action="evaluation.sheet.replaced").count() == 1


def test_mandatory_flags_are_stored_as_rules(tmp_path):
    data = version_of()
    criterion(data, "C.8")["options"][1]["mandatory_for_stars"] = [3, 4]
    load_files([write_set(tmp_path, data)])
    rules = MandatoryRule.objects.filter(criterion__scope__criteria_set__code="T1").select_related("option")
    assert [(r.criterion.code, r.stars, r.min_points, r.option.text) for r in rules] == [
        ("C.8", 3, Decimal("1"), "Mức 1"),
        ("C.8", 4, Decimal("1"), "Mức 1"),
    ]


def test_a_published_set_is_never_edited_but_may_gain_a_missing_sheet(tmp_path):
    load_files([write_set(tmp_path, version_of(status="published"))])
    edited = version_of(status="published")
    criterion(edited, "A1.1")["text"] = "Nguồn nguyên liệu"
    edited["title"] = "Tên khác"
    before = counts()
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, edited)])
    messages = [str(p) for p in exc.value.problems]
    assert any("bộ tiêu chí T1 đã ban hành nên không sửa được" in m for m in messages)
    assert any("phiếu 01 của bộ tiêu chí T1 (đã ban hành) đã có, không sửa được" in m for m in messages)
    assert counts() == before
    extended = version_of(status="published")
    extended["scopes"][1] = {"code": "02", "criteria": extended["scopes"][0]["criteria"]}
    extended["valid_until"] = datetime.date(2023, 2, 1)
    result = load_files([write_set(tmp_path, extended)])
    assert result.counts["sheets_created"] == 1
    cs = CriteriaSet.objects.get(code="T1")
    assert cs.valid_until == datetime.date(2023, 2, 1)
    assert Criterion.objects.filter(scope__criteria_set=cs, scope__category__code="02").count() == 31


def test_status_only_moves_forward(tmp_path):
    load_files([write_set(tmp_path, version_of(status="published"))])
    load_files([write_set(tmp_path, version_of(status="draft"))])
    assert CriteriaSet.objects.get(code="T1").status == "published"


def test_publishing_needs_a_sheet(tmp_path):
    data = shipped("148")
    data.update(code="T148", status="published")
    with pytest.raises(CriteriaErrors, match="chưa có phiếu chấm nào nên chưa ban hành được"):
        load_files([write_set(tmp_path, data)])


def test_a_published_set_gives_its_sheet_for_scoring(tmp_path):
    load_files([write_set(tmp_path, version_of(status="published"))])
    cs = CriteriaSet.objects.get(code="T1")
    sub = ProductCategory.objects.get(system="1048", code="01")
    assert queries.sheet_for(cs, sub).category == sub
    with pytest.raises(DomainError, match="chưa có phiếu chấm cho nhóm"):
        queries.sheet_for(cs, ProductCategory.objects.get(system="1048", code="02"))


def test_import_criteria_command_loads_yaml_and_prints_problems(tmp_path):
    data = version_of()
    criterion(data, "A1.1")["options"][0]["points"] = 4
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_criteria", str(write_set(tmp_path, data)), stdout=out)
    assert exc.value.code == 1
    assert "set.yaml.scopes[01].criteria[A1.1].options[1].points: mức 'Dưới 50%' có 4 điểm" in out.getvalue()
    out = StringIO()
    call_command("import_criteria", str(write_set(tmp_path, version_of())), "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0] == "dry run: nothing was written"
    assert not CriteriaSet.objects.filter(code="T1").exists()
    out = StringIO()
    call_command("import_criteria", str(write_set(tmp_path, version_of())), "--publish", stdout=out)
    assert "criteria sets created=1" in out.getvalue()
    assert CriteriaSet.objects.get(code="T1").status == "published"


def test_reference_reload_keeps_what_an_administrator_loaded(tmp_path):
    """A shipped file's own sheet is not pushed over a sheet loaded from another file (e.g. the official wording)."""
    shipped_dir = tmp_path / "criteria"
    shipped_dir.mkdir()
    write_set(shipped_dir, version_of(), "t1.yaml")
    first = load_criteria_sets(shipped_dir)
    assert (first.counts["sets_created"], first.counts["sheets_created"]) == (1, 1)
    assert CriteriaSet.objects.get(code="T1").source == "evaluation/criteria/t1.yaml"
    data = version_of()
    data["scopes"] = [data["scopes"][0]]
    criterion(data, "A1.2")["options"][0]["text"] = "Chỉ phân loại"
    path = write_set(tmp_path, data, "t1-chinh-thuc.yaml")
    from evaluation.services import save_sets

    spec, problems = loader.read_set_file(path)
    assert problems == []
    spec.source = "evaluation/criteria/t1.yaml"  # same set definition, the sheet from the official file
    save_sets([spec], source="t1-chinh-thuc.yaml")
    sheet = SheetScope.objects.get(criteria_set__code="T1", category__code="01")
    assert sheet.source == "t1-chinh-thuc.yaml"
    assert Option.objects.get(criterion__scope=sheet, criterion__code="A1.2", position=1).text == "Chỉ phân loại"
    result = load_criteria_sets(shipped_dir)
    assert result.counts["sheets_replaced"] == 0 and result.counts["sets_unchanged"] == 1
    assert Option.objects.get(criterion__scope=sheet, criterion__code="A1.2", position=1).text == "Chỉ phân loại"


def test_publish_set_publishes_a_set_with_a_sheet_only(tmp_path):
    from evaluation.services import publish_set

    with pytest.raises(CriteriaErrors, match="chưa có phiếu chấm nào"):
        publish_set(code="148")
    with pytest.raises(CriteriaErrors, match="không có bộ tiêu chí mã X"):
        publish_set(code="X")
    load_files([write_set(tmp_path, version_of())])
    assert CriteriaSet.objects.get(code="T1").status == "draft"
    before = counts()
    result = publish_set(code="T1")
    assert result.counts["sets_updated"] == 1
    assert result.counts["sheets_created"] == result.counts["sheets_replaced"] == 0
    assert CriteriaSet.objects.get(code="T1").status == "published"
    assert counts()[:-1] == before[:-1]  # only the audit entry is new
    entry = AuditEntry.objects.get(action="evaluation.criteria_set.published")
    assert (entry.before, entry.after) == ({"status": "draft"}, {"status": "published"})


def test_a_repeated_group_is_refused_for_a_stored_set_too(tmp_path):
    data = shipped("148")
    data["scopes"].append("do-uong")
    with pytest.raises(CriteriaErrors) as exc:
        load_files([write_set(tmp_path, data, "148.yaml")])
    assert [str(p) for p in exc.value.problems] == [
        "148.yaml.scopes[do-uong].group: nhóm / bộ sản phẩm 'do-uong' bị lặp lại trong bộ tiêu chí 148."
    ]
