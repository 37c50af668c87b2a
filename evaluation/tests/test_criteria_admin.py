"""Criteria sets administered in the browser (/criteria/): a system administrator creates a draft, edits its parts,
sections, sheets, criteria, options and star minimums, sees every error placed by sheet, row and field, publishes it,
and a round then scores with it; uploads of the spreadsheet template are checked whole first and write nothing on
error; province users only read published sets; official sets are read-only with their findings."""

import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from openpyxl import Workbook

from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from evaluation import council, services
from evaluation.council_models import EvaluationRound
from evaluation.models import CriteriaSet, Criterion, MandatoryRule, Option, Part, Section, SheetScope
from evaluation.spreadsheet import COLUMNS
from evaluation.tests.scoring_setup import product_2026
from producers.services import create_producer
from products.models import ProductCategory

pytestmark = pytest.mark.django_db

HEADER = [c.label for c in COLUMNS]


def new_set(client, code="T-2030", valid_from="01/01/2030", **extra):
    data = {
        "code": code,
        "title": "Bộ tiêu chí thử 2030",
        "decision": "Quyết định thử số 1/2030",
        "valid_from": valid_from,
        "valid_until": "",
        "system": "2026",
        "copy_from": "",
        **extra,
    }
    return client.post("/criteria/new/", data)


def honey():
    return ProductCategory.objects.get(system="2026", code="04")


def counts():
    return tuple(
        m.objects.count()
        for m in (CriteriaSet, Part, Section, SheetScope, Criterion, Option, MandatoryRule, AuditEntry)
    )


def structure(actor, code="T-2030", parts=(("A", 40), ("B", 25), ("C", 35))):
    """A draft with parts, one section each and the honey sheet (services, as the pages call them)."""
    import datetime

    cs = services.create_set(
        actor=actor,
        code=code,
        system="2026",
        title="Bộ thử",
        decision="QĐ thử",
        valid_from=datetime.date(2030, 1, 1),
    )
    for letter, points in parts:
        part = services.save_part(actor=actor, criteria_set=cs, code=letter, name=f"Phần {letter}", points=points)
        services.save_section(actor=actor, criteria_set=cs, code=f"{letter}1", name=f"Mục {letter}1", part=part)
    scope = services.save_scope(actor=actor, criteria_set=cs, category=honey(), number=1, title="Phiếu mật ong")
    return cs, scope


def fill_sheet(actor, cs, scope, parts=(("A", 40), ("B", 25), ("C", 35))):
    for letter, points in parts:
        section = cs.sections.get(code=f"{letter}1")
        criterion = services.save_criterion(
            actor=actor, scope=scope, code=f"{letter}.1", text=f"Tiêu chí {letter}", section=section
        )
        services.save_option(actor=actor, criterion=criterion, text="Không đạt", points=0)
        services.save_option(
            actor=actor,
            criterion=criterion,
            text="Đạt",
            points=points,
            mandatory_for_stars=(3,) if letter == "A" else (),
        )


def test_admin_creates_edits_validates_publishes_and_a_round_uses_it(client, system_admin, province_officer, unit):
    client.force_login(system_admin)
    assert client.get("/criteria/").status_code == 200
    response = new_set(client)
    cs = CriteriaSet.objects.get(code="T-2030")
    assert response.status_code == 302 and response.url == f"/criteria/{cs.pk}/"
    assert (cs.status, cs.official, cs.source) == ("draft-structure", False, services.BROWSER_SOURCE)
    assert AuditEntry.objects.filter(action="evaluation.criteria_set.created", object_id=str(cs.pk)).exists()

    # a repeated code is refused on its field
    page = new_set(client).content.decode()
    assert "Đã có bộ tiêu chí mã T-2030" in page and CriteriaSet.objects.filter(code="T-2030").count() == 1

    # parts (B with 30: the sum is wrong, shown by the validation), sections, the honey sheet
    for letter, points in (("A", 40), ("B", 30), ("C", 35)):
        response = client.post(
            f"/criteria/{cs.pk}/parts/", {"code": letter, "name": f"Phần {letter}", "points": points}
        )
        assert response.status_code == 302
    page = client.post(f"/criteria/{cs.pk}/parts/", {"code": "A", "name": "Lặp", "points": 5}).content.decode()
    assert "Bộ tiêu chí đã có phần A." in page and cs.parts.count() == 3
    for part in cs.parts.all():
        client.post(
            f"/criteria/{cs.pk}/sections/", {"code": f"{part.code}1", "name": f"Mục {part.code}", "part": part.pk}
        )
    assert list(cs.sections.values_list("code", flat=True)) == ["A1", "B1", "C1"]
    response = client.post(f"/criteria/{cs.pk}/sheets/", {"category": honey().pk, "number": 4, "title": "Mật ong"})
    scope = SheetScope.objects.get(criteria_set=cs)
    assert response.url == f"/criteria/{cs.pk}/sheets/{scope.pk}/"
    page = client.get(f"/criteria/{cs.pk}/sheets/{scope.pk}/").content.decode()
    assert "Thêm tiêu chí" in page

    # criteria with their options and a star minimum
    sections = {s.code: s for s in cs.sections.all()}
    for letter, best in (("A", 40), ("B", 25), ("C", 35)):
        client.post(
            f"/criteria/{cs.pk}/sheets/{scope.pk}/criteria/",
            {"code": f"{letter}.1", "text": f"Tiêu chí {letter}", "section": sections[f"{letter}1"].pk},
        )
        criterion = Criterion.objects.get(scope=scope, code=f"{letter}.1")
        client.post(f"/criteria/{cs.pk}/criteria/{criterion.pk}/options/", {"text": "Không đạt", "points": "0"})
        data = {"text": "Đạt", "points": str(best)}
        if letter == "A":
            data["mandatory_for_stars"] = ["3", "4"]
        client.post(f"/criteria/{cs.pk}/criteria/{criterion.pk}/options/", data)
    cs.refresh_from_db()
    assert cs.status == "draft"
    a1 = Criterion.objects.get(scope=scope, code="A.1")
    assert a1.max_points == 40
    assert sorted(MandatoryRule.objects.filter(criterion=a1).values_list("stars", "min_points")) == [(3, 40), (4, 40)]
    # a second option for the same star level is refused on its field
    page = client.post(
        f"/criteria/{cs.pk}/criteria/{a1.pk}/options/", {"text": "Gần đạt", "points": "20", "mandatory_for_stars": "3"}
    ).content.decode()
    assert "mỗi hạng sao chỉ một mức" in page and a1.options.count() == 2
    # bad points: a clear message on the field, nothing written
    page = client.post(
        f"/criteria/{cs.pk}/criteria/{a1.pk}/options/", {"text": "Lạ", "points": "mười"}
    ).content.decode()
    assert "invalid-feedback" in page and a1.options.count() == 2

    # validation: every error by sheet, criterion and field
    page = client.get(f"/criteria/{cs.pk}/validate/").content.decode()
    assert 'data-testid="validation-errors"' in page
    assert "tổng điểm các phần là 105" in page
    assert "phiếu 04: tổng điểm tối đa các tiêu chí phần B là 25, phải bằng điểm của phần (30)" in page
    assert f'href="/criteria/{cs.pk}/sheets/{scope.pk}/"' in page

    # publishing is refused with the errors, nothing changes
    before = counts()
    page = client.post(f"/criteria/{cs.pk}/publish/").content.decode()
    assert 'data-testid="publish-refused"' in page and "tổng điểm các phần là 105" in page
    cs.refresh_from_db()
    assert cs.status == "draft" and counts() == before

    # fix part B, then the preview and the publication
    part_b = cs.parts.get(code="B")
    client.post(f"/criteria/{cs.pk}/parts/{part_b.pk}/", {"code": "B", "name": "Phần B", "points": 25})
    assert 'data-testid="validation-ok"' in client.get(f"/criteria/{cs.pk}/validate/").content.decode()
    preview = client.get(f"/criteria/{cs.pk}/sheets/{scope.pk}/preview/").content.decode()
    assert 'data-testid="criterion-A.1"' in preview and "fieldset disabled" in preview and "★★★" in preview
    response = client.post(f"/criteria/{cs.pk}/publish/")
    assert response.status_code == 302
    cs.refresh_from_db()
    assert cs.status == "published"
    assert AuditEntry.objects.filter(action="evaluation.criteria_set.published", object_id=str(cs.pk)).exists()

    # a published set is never edited
    response = client.post(f"/criteria/{cs.pk}/parts/{part_b.pk}/", {"code": "B", "name": "Đổi", "points": 25})
    assert response.status_code == 302
    assert "đã ban hành nên không sửa được" in client.get(response.url).content.decode()
    assert cs.parts.get(code="B").name == "Phần B"
    with pytest.raises(DomainError, match="đã ban hành"):
        services.save_option(actor=system_admin, criterion=a1, text="Mới", points=1)

    # a province round in 2030 takes it, and a honey product is scored on its sheet
    client.force_login(province_officer)
    form = {"title": "Đợt 2030", "province": "2025:11", "starts_on": "01/03/2030", "ends_on": "20/03/2030"}
    response = client.post("/evaluation/new/", {**form, "criteria_set": ""})
    assert response.status_code == 302
    rnd = EvaluationRound.objects.get(title="Đợt 2030")
    assert rnd.criteria_set == cs
    producer = create_producer(actor=None, name="HTX Thử", producer_type="htx", location=unit("2025:03328"))
    item = council.add_product(
        actor=province_officer, evaluation_round=rnd, product=product_2026(unit, producer, "Mật ong thử", "04")
    )
    assert item.sheet == scope


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "phieu.xlsx"
    return buffer


def rows(code="T-2030", b_points=25):
    return [
        [code, "04", "A", 40, "A1", "A.1", "Tiêu chí A", None, "Không đạt", 0, ""],
        [None, None, None, None, None, None, None, None, "Đạt", 40, "3"],
        [None, None, "B", 25, "B1", "B.1", "Tiêu chí B", None, "Đạt", b_points, ""],
        [None, None, "C", 35, "C1", "C.1", "Tiêu chí C", None, "Đạt", 35, ""],
    ]


def test_an_upload_with_an_error_row_shows_row_and_field_and_writes_nothing(client, system_admin):
    cs, scope = structure(system_admin)
    client.force_login(system_admin)
    bad = rows()
    bad[2][9] = "hai lăm"
    before = counts()
    stored = default_storage.listdir("criteria-uploads")[1] if default_storage.exists("criteria-uploads") else []
    page = client.post(f"/criteria/{cs.pk}/upload/", {"file": xlsx(bad)}).content.decode()
    assert 'data-testid="upload-errors"' in page and "chưa ghi gì" in page
    error = page[page.index('data-testid="row-error"') :]
    assert '<td class="num">4</td><td>Điểm</td>' in error and "không phải là số" in error
    assert counts() == before
    after = default_storage.listdir("criteria-uploads")[1] if default_storage.exists("criteria-uploads") else []
    assert after == stored  # nothing kept for a refused file

    # sums checked against the set's parts: refused with the row of the part's first criterion
    page = client.post(f"/criteria/{cs.pk}/upload/", {"file": xlsx(rows(b_points=20))}).content.decode()
    assert "tổng điểm tối đa các tiêu chí phần B là 20" in page and counts() == before
    # another set's rows are refused
    page = client.post(f"/criteria/{cs.pk}/upload/", {"file": xlsx(rows(code="26-2026"))}).content.decode()
    assert "ở đây chỉ nạp phiếu chấm cho bộ T-2030" in page and counts() == before
    # not a spreadsheet
    fake = io.BytesIO(b"MZ\x90\x00 not a workbook")
    fake.name = "phieu.exe"
    page = client.post(f"/criteria/{cs.pk}/upload/", {"file": fake}).content.decode()
    assert "chỉ nhận tệp mẫu phiếu chấm .xlsx hoặc .csv" in page and counts() == before

    # a good file: dry run first (nothing written), then saved into the draft
    page = client.post(f"/criteria/{cs.pk}/upload/", {"file": xlsx(rows())}).content.decode()
    assert 'data-testid="upload-ok"' in page and "Phiếu chấm tạo mới: 1" in page and counts() == before
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post(f"/criteria/{cs.pk}/upload/save/", {"token": token})
    assert response.status_code == 302
    assert list(scope.criteria.values_list("code", flat=True)) == ["A.1", "B.1", "C.1"]
    assert MandatoryRule.objects.filter(criterion__scope=scope, stars=3).count() == 1
    cs.refresh_from_db()
    assert cs.status == "draft"
    assert AuditEntry.objects.filter(action="evaluation.sheet.created", object_id=str(scope.pk)).exists()
    # the token is used up
    response = client.post(f"/criteria/{cs.pk}/upload/save/", {"token": token}, follow=True)
    assert "Không còn tệp đã kiểm tra" in response.content.decode()

    # and the set comes back as the same template
    response = client.get(f"/criteria/{cs.pk}/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["A.1", "A.1", "B.1", "C.1"]


def test_a_province_officer_reads_published_sets_and_cannot_edit(client, system_admin, province_officer):
    cs, scope = structure(system_admin, code="NHAP")
    client.force_login(province_officer)
    page = client.get("/criteria/").content.decode()
    assert "26-2026" in page and "NHAP" not in page and 'data-testid="new-set"' not in page
    assert client.get(f"/criteria/{cs.pk}/").status_code == 404
    official = CriteriaSet.objects.get(code="26-2026")
    page = client.get(f"/criteria/{official.pk}/").content.decode()
    assert "Thêm phần" not in page and 'data-testid="publish"' not in page
    before = counts()
    assert client.post("/criteria/new/", {"code": "X"}).status_code == 403
    assert client.post(f"/criteria/{cs.pk}/parts/", {"code": "A", "name": "x", "points": 1}).status_code == 403
    assert client.post(f"/criteria/{cs.pk}/publish/").status_code == 403
    assert client.post(f"/criteria/{cs.pk}/delete/").status_code == 403
    assert counts() == before
    with pytest.raises(PermissionRefused):
        services.save_part(actor=province_officer, criteria_set=cs, code="A", name="x", points=1)


def test_people_without_a_scoring_role_do_not_reach_the_criteria_pages(client, commune_officer, producer):
    for user in (commune_officer, producer):
        client.force_login(user)
        assert client.get("/criteria/").status_code == 403
    client.logout()
    assert client.get("/criteria/").status_code == 302


def test_an_official_set_is_read_only_with_its_findings(client, system_admin):
    official = CriteriaSet.objects.get(code="26-2026")
    assert official.official and official.findings
    client.force_login(system_admin)
    page = client.get("/criteria/").content.decode()
    row = page[page.index('data-testid="set-26-2026"') :]
    assert f'<td class="num">{len(official.findings)}</td>' in row[: row.index("</tr>")]
    page = client.get(f"/criteria/{official.pk}/").content.decode()
    assert 'data-testid="findings"' in page and 'data-testid="official"' in page
    assert escape(official.findings[0]) in page
    assert "Thêm phần" not in page and 'data-testid="upload"' not in page
    before = counts()
    part = official.parts.first()
    response = client.post(f"/criteria/{official.pk}/parts/{part.pk}/", {"code": part.code, "name": "x", "points": 1})
    assert response.status_code == 302
    assert "đã ban hành nên không sửa được" in client.get(response.url).content.decode()
    assert client.post(f"/criteria/{official.pk}/delete/").status_code == 302
    assert counts() == before
    scope = official.scopes.filter(criteria__isnull=False).first()
    assert client.get(f"/criteria/{official.pk}/sheets/{scope.pk}/").status_code == 200
    assert client.get(f"/criteria/{official.pk}/sheets/{scope.pk}/preview/").status_code == 200
    assert client.get(f"/criteria/{official.pk}/template.xlsx").status_code == 200


def test_a_new_version_is_a_draft_copy_with_its_sheets(client, system_admin):
    old = CriteriaSet.objects.get(code="26-2026")
    client.force_login(system_admin)
    assert 'value="' + str(old.pk) + '" selected' in client.get(f"/criteria/new/?from={old.pk}").content.decode()
    response = new_set(client, code="26-2026-v2", copy_from=old.pk, copy_sheets="on", system="")
    new = CriteriaSet.objects.get(code="26-2026-v2")
    assert response.url == f"/criteria/{new.pk}/"
    assert (new.status, new.official, new.findings) == ("draft", False, [])
    assert new.scopes.count() == old.scopes.count()
    assert (
        Criterion.objects.filter(scope__criteria_set=new).count()
        == Criterion.objects.filter(scope__criteria_set=old).count()
    )
    assert old.status == "published" and old.scopes.count() == new.scopes.count()


def test_list_and_sheet_pages_run_a_constant_number_of_queries(client, system_admin):
    client.force_login(system_admin)
    cs, scope = structure(system_admin)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    list_before = queries("/criteria/")
    sheet_url = f"/criteria/{cs.pk}/sheets/{scope.pk}/"
    detail_url = f"/criteria/{cs.pk}/"
    section = cs.sections.get(code="A1")
    criterion = services.save_criterion(actor=system_admin, scope=scope, code="1", text="Một", section=section)
    services.save_option(actor=system_admin, criterion=criterion, text="Có", points=1, mandatory_for_stars=(3,))
    sheet_before, detail_before = queries(sheet_url), queries(detail_url)
    for n in range(2, 5):
        criterion = services.save_criterion(actor=system_admin, scope=scope, code=str(n), text="x", section=section)
        services.save_option(actor=system_admin, criterion=criterion, text="Có", points=n, mandatory_for_stars=(4,))
        services.save_option(actor=system_admin, criterion=criterion, text="Không", points=0)
    structure(system_admin, code="T-2031")
    sheet = ProductCategory.objects.get(system="2026", code="05")
    services.save_scope(actor=system_admin, criteria_set=cs, category=sheet)
    assert queries("/criteria/") == list_before
    assert queries(sheet_url) == sheet_before
    assert queries(detail_url) == detail_before


def test_the_round_form_says_when_no_set_is_in_force_and_who_adds_it(client, province_officer):
    client.force_login(province_officer)
    page = client.post(
        "/evaluation/new/",
        {"title": "Đợt 2018", "province": "2025:11", "starts_on": "01/01/2018", "ends_on": "30/01/2018"},
    ).content.decode()
    assert "Chưa có bộ tiêu chí đã ban hành nào có hiệu lực ngày 01/01/2018" in page
    assert 'data-testid="no-set-help"' in page and 'href="/criteria/"' in page
    page = client.get("/evaluation/new/").content.decode()
    assert 'hx-get="/criteria/in-force/"' in page and "26/26 phiếu chấm" in page
    fragment = client.get("/criteria/in-force/", {"starts_on": "01/01/2018"}).content.decode()
    assert 'data-testid="no-set-in-force"' in fragment and 'href="/criteria/"' in fragment
    fragment = client.get("/criteria/in-force/", {"starts_on": "01/12/2026"}).content.decode()
    assert "26-2026" in fragment and "no-set-in-force" not in fragment


def test_the_in_force_fragment_names_the_sheets_a_set_lacks(client, system_admin, province_officer):
    cs, scope = structure(system_admin)
    fill_sheet(system_admin, cs, scope)
    services.save_scope(
        actor=system_admin, criteria_set=cs, category=ProductCategory.objects.get(system="2026", code="05")
    )
    services.publish_draft(actor=system_admin, criteria_set=cs)
    client.force_login(province_officer)
    fragment = client.get("/criteria/in-force/", {"starts_on": "01/02/2030"}).content.decode()
    assert "T-2030" in fragment and 'data-testid="missing-sheets"' in fragment and "05 –" in fragment


def test_deleting_rows_of_a_draft(system_admin):
    cs, scope = structure(system_admin)
    fill_sheet(system_admin, cs, scope)
    a1 = Criterion.objects.get(scope=scope, code="A.1")
    best = a1.options.get(text="Đạt")
    services.delete_option(actor=system_admin, option=best)
    a1.refresh_from_db()
    assert a1.max_points == 0 and not MandatoryRule.objects.filter(criterion=a1).exists()
    with pytest.raises(DomainError, match="còn tiêu chí"):
        services.delete_section(actor=system_admin, section=a1.section)
    services.delete_criterion(actor=system_admin, criterion=a1)
    services.delete_scope(actor=system_admin, scope=scope)
    services.delete_set(actor=system_admin, criteria_set=cs)
    assert not CriteriaSet.objects.filter(code="T-2030").exists()
    assert AuditEntry.objects.filter(action="evaluation.criteria_set.deleted").exists()
