"""Issue 14, item 5: every workbook the system writes keeps people's texts as text (OWASP "CSV injection").

A name that begins with `=`, `+`, `-` or `@` must come back as a text cell starting with an apostrophe, and no cell may
be a formula (openpyxl itself stores a text beginning with `=` as one). Each writer is exercised through its page, or
through its function where it has none, with hostile names in every place people's input reaches.
"""

import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from areas.models import AdministrativeUnit
from certification import services as certs
from core.imports import read_table
from evaluation.models import CriteriaSet, Criterion, Option, SheetScope
from evaluation.spreadsheet import COLUMNS, import_criteria, parse_sheets, write_template
from evaluation.tests.scoring_setup import build_round, score_all
from evaluation.tests.test_criteria_spreadsheet import TEST_SHEET, xlsx
from imports import mapping
from ntm.imports import import_ntm
from ntm.tests.helpers import dien_bien_2021_rows, dien_bien_communes, write_csv
from producers.models import Producer
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = [LINK, "+1", "-2", "@SUM(A1)"]


def cells(content) -> list:
    workbook = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(content, *names):
    """No formula anywhere; each hostile name is a text cell of its own, with the apostrophe in front."""
    found = cells(content)
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for c in found if isinstance(c.value, str)}
    for name in names:
        assert "'" + name in texts, name
        assert name not in texts, name
    return texts


def rename_unit(area_id, name):
    scheme, _sep, code = area_id.partition(":")
    assert AdministrativeUnit.objects.filter(scheme=scheme, code=code).update(name=name) == 1


def rename_group(code, name):
    assert ProductCategory.objects.filter(system="148", code=code).update(name=name) == 1


# ── products/exports.py: the register ───────────────────────────────────────────────────────────────────────────────


def test_the_register_export_writes_hostile_names_as_text(client, province_officer, unit):
    rename_unit("pre2025:03331", "-2")
    rename_group("thuc-pham", "@SUM(A1)")
    producer = create_producer(actor=None, name="+1", producer_type="htx", location=unit("pre2025:03331"))
    product = create_product(
        actor=None,
        name=LINK,
        producer=producer,
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
        location=unit("pre2025:03331"),
    )
    decision, _ = certs.get_or_create_decision(
        actor=None,
        number="=1+1",
        date=datetime.date(2024, 6, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    certs.record_certificate(actor=None, product=product, decision=decision, stars=3, score=60)
    client.force_login(province_officer)
    response = client.get("/products/export.xlsx", {"as_of": "2025-01-01"})
    assert response.status_code == 200
    assert_inert(response.content, *HOSTILE, "=1+1")


# ── evaluation/documents.py: the results workbook ──────────────────────────────────────────────────────────────────


def test_the_results_workbook_writes_hostile_names_as_text(client, province_officer, unit):
    rnd, (first, second), people = build_round(province_officer, unit, products=(LINK, "+1"), reported=True)
    Producer.objects.filter(pk=first.product.producer_id).update(name="-2")
    rename_group("thuc-pham", "@SUM(A1)")
    type(people["tv1"]).objects.filter(pk=people["tv1"].pk).update(full_name="=1+2")  # a council member's name
    score_all(first, people, {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)})
    client.force_login(province_officer)
    response = client.get(f"/evaluation/{rnd.pk}/results.xlsx")
    assert response.status_code == 200
    assert_inert(response.content, *HOSTILE, "=1+2")
    numbers = [c.value for c in cells(response.content) if isinstance(c.value, float)]
    assert numbers  # the members' totals and the mean stay numbers


# ── evaluation/spreadsheet.py: the criteria template, and reading it back ──────────────────────────────────────────


@pytest.fixture
def hostile_set(tmp_path):
    """Set 148 with the test sheet of the criteria tests loaded (draft), then hostile texts put in its rows."""
    import_criteria(xlsx(tmp_path, TEST_SHEET), filename="phieu.xlsx")
    criteria_set = CriteriaSet.objects.get(code="148")
    scope = SheetScope.objects.get(criteria_set=criteria_set, category__code="thuc-pham")
    Criterion.objects.filter(scope=scope, code="T1").update(text=LINK)
    Criterion.objects.filter(scope=scope, code="T2").update(text="@SUM(A1)")
    options = list(Option.objects.filter(criterion__scope=scope, criterion__code="T1").order_by("position"))
    Option.objects.filter(pk=options[0].pk).update(text="+1")
    Option.objects.filter(pk=options[1].pk).update(text="-2")
    return criteria_set


def test_the_criteria_template_writes_hostile_texts_as_text(hostile_set, tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path, hostile_set)
    assert_inert(path, *HOSTILE)
    path = tmp_path / "mau.csv"
    write_template(path, hostile_set)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    texts = {text for row in rows for text in row}
    assert {"'" + name for name in HOSTILE} <= texts and not set(HOSTILE) & texts


def test_the_criteria_page_template_downloads_as_text(client, system_admin, hostile_set):
    client.force_login(system_admin)
    response = client.get(f"/criteria/{hostile_set.pk}/template.xlsx")
    assert response.status_code == 200
    assert_inert(response.content, *HOSTILE)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_criteria_importer_reads_the_template_back_unchanged(hostile_set, tmp_path, suffix):
    path = tmp_path / f"mau{suffix}"
    write_template(path, hostile_set)
    specs, errors = parse_sheets(read_table(path, COLUMNS, path.name))
    assert errors == []
    [scope] = specs[0].scopes
    assert [c.text for c in scope.criteria][:2] == [LINK, "@SUM(A1)"]
    assert [o.text for o in scope.criteria[0].options][:2] == ["+1", "-2"]
    result = import_criteria(path, filename=path.name)
    assert "replaced=0" in result.summary and "unchanged=1" in result.summary, result.summary
    assert Criterion.objects.get(scope__criteria_set=hostile_set, code="T1").text == LINK


# ── ntm/reporting.py: the NTM dashboard's workbook ─────────────────────────────────────────────────────────────────


def test_the_ntm_export_writes_hostile_area_names_as_text(client, province_officer, tmp_path):
    import_ntm(write_csv(tmp_path / "a.csv", dien_bien_2021_rows()), filename="a.csv")
    communes = dien_bien_communes()
    for commune, name in zip(communes, [LINK, "+1", "-2"], strict=False):
        AdministrativeUnit.objects.filter(pk=commune.pk).update(name=name)
    rename_unit("pre2025:100", "@SUM(A1)")
    client.force_login(province_officer)
    for query in ({"year": 2021, "area": "pre2025:100"}, {"year": 2021, "area": "pre2025:11"}):
        response = client.get("/ntm/export.xlsx", query)
        assert response.status_code == 200
        names = HOSTILE if query["area"] == "pre2025:100" else ["@SUM(A1)"]
        assert_inert(response.content, *names)


# ── reports/exports.py: the OCOP dashboard's workbook ──────────────────────────────────────────────────────────────


def test_the_ocop_export_writes_hostile_names_as_text(client, unit):
    rename_unit("pre2025:100", LINK)  # the district of Xã Thanh Hưng: a child row of the province
    rename_group("thuc-pham", "-2")
    rename_group("do-uong", "@SUM(A1)")
    producer = create_producer(actor=None, name="HTX", producer_type="htx", location=unit("pre2025:03331"))
    for n, group in enumerate(("thuc-pham", "do-uong")):
        product = create_product(
            actor=None,
            name=f"Sản phẩm {n}",
            producer=producer,
            group=ProductCategory.objects.get(system="148", code=group),
            location=unit("pre2025:03331"),
        )
        decision, _ = certs.get_or_create_decision(
            actor=None,
            number=f"{n}/QĐ",
            date=datetime.date(2021, 6, 1),
            kind="recognition",
            issuing_level="province",
            province=unit("pre2025:11"),
        )
        certs.record_certificate(actor=None, product=product, decision=decision, stars=3)
    response = client.get("/reports/ocop/export.xlsx", {"as_of": "2022-03-31", "area": "pre2025:11"})
    assert response.status_code == 200
    assert_inert(response.content, LINK, "-2", "@SUM(A1)")


# ── imports/mapping.py: the mapping page's preview shows what will be imported ─────────────────────────────────────


def test_the_mapping_preview_shows_texts_without_the_protecting_apostrophe():
    workbook = Workbook()
    workbook.active.append(["Tên sản phẩm", "Chủ thể"])
    workbook.active.append(["'" + LINK, "'+1"])
    workbook.active.append(["'Bình thường", "Gạo"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = mapping.preview(buffer.getvalue(), "a.xlsx", 1, 2)
    assert rows == [[LINK, "+1"], ["'Bình thường", "Gạo"]]
