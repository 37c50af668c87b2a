"""Post-recognition inspection (26/2026/QĐ-TTg Điều 9): recording it through the service, the product's supervision
page, its proposal to revoke (Điều 8 khoản 1 điểm b, khoản 4) and the read API."""

import datetime

import pytest
from ninja.testing import TestClient

from certification import services
from certification.api import router
from certification.choices import RevocationGround as G
from certification.models import Inspection
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
D = datetime.date
RECOGNISED = D(2026, 1, 10)  # valid through the end of 10/01/2029


def inspect(actor, product, **overrides):
    values = {
        "date": D(2026, 9, 1),
        "kind": "periodic",
        "body": "province",
        "body_name": "Đoàn kiểm tra Sở Nông nghiệp và Môi trường",
        "criteria_maintained": True,
        "mark_use_correct": True,
        "conclusion": "Sản phẩm duy trì các tiêu chí đã được công nhận.",
    }
    values.update(overrides)
    return services.record_inspection(actor=actor, product=product, **values)


@pytest.fixture
def certified(ocop_product, recognise):
    product = ocop_product("Chè Shan tuyết")
    recognise(product, RECOGNISED, stars=4)
    return product


# --- the service ---------------------------------------------------------------------------------------------------


def test_an_inspection_is_recorded_against_the_certificate_in_force(certified, province_officer):
    inspection = inspect(province_officer, certified, notes="Có sổ theo dõi nguyên liệu.")
    assert inspection.certificate == certified.certificates.get()
    assert inspection.recorded_by == province_officer and inspection.found_on == D(2026, 9, 1)
    assert inspection.revocation_deadline is None  # nothing proposed, no clock
    entry = AuditEntry.objects.get(action="certification.inspection.recorded")
    assert entry.object_id == str(inspection.pk) and entry.after["kind"] == "periodic"
    assert entry.after["criteria_maintained"] is True and entry.after["revocation_deadline"] is None


def test_a_proposal_to_revoke_starts_the_15_days_at_the_conclusion(certified, province_officer):
    inspection = inspect(
        province_officer,
        certified,
        kind="ad-hoc",
        criteria_maintained=False,
        concluded_on=D(2026, 9, 3),
        conclusion="Không còn đáp ứng tiêu chí về nguồn nguyên liệu.",
        proposes_revocation=True,
        proposed_ground=G.CRITERIA_NOT_MET,
    )
    assert inspection.found_on == D(2026, 9, 3) and inspection.revocation_deadline == D(2026, 9, 18)
    assert AuditEntry.objects.get(action="certification.inspection.recorded").after["revocation_deadline"] == (
        "2026-09-18"
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"proposes_revocation": True}, "proposed_ground", "Điều 8 khoản 1"),
        ({"conclusion": "  "}, "conclusion", "kết luận"),
        ({"date": D(2099, 1, 1)}, "date", "sau hôm nay"),
        ({"concluded_on": D(2026, 8, 31)}, "concluded_on", "từ ngày kiểm tra"),
        ({"date": D(2026, 1, 9)}, "date", "Điều 9 khoản 1"),  # the day before the recognition
        ({"kind": "weekly"}, "kind", ""),
    ],
)
def test_a_bad_inspection_is_refused(certified, province_officer, overrides, field, message):
    with pytest.raises(DomainError) as refused:
        inspect(province_officer, certified, **overrides)
    assert refused.value.field == field and message in refused.value.message
    assert not Inspection.objects.exists()


def test_a_product_without_a_valid_certificate_is_not_inspected(ocop_product, province_officer):
    with pytest.raises(DomainError, match="không có giấy chứng nhận OCOP còn hiệu lực"):
        inspect(province_officer, ocop_product("Chưa công nhận"))


def test_only_the_province_office_of_the_product_records_inspections(
    certified, other_province_officer, commune_officer
):
    for actor in (other_province_officer, commune_officer):
        with pytest.raises(PermissionRefused):
            inspect(actor, certified)
    assert not Inspection.objects.exists()


# --- the supervision page ---------------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "date": "01/09/2026",
        "kind": "periodic",
        "body": "province",
        "body_name": "",
        "criteria_maintained": "1",
        "mark_use_correct": "0",
        "notes": "",
        "conclusion": "Nhãn dùng biểu trưng OCOP sai quy cách.",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_certificate_rules_and_records_an_inspection(client, certified, province_officer):
    client.force_login(province_officer)
    url = f"/register/products/{certified.pk}/supervision/"
    page = client.get(url).content.decode()
    assert 'data-testid="inspection-form"' in page and "Chưa có lần kiểm tra nào." in page
    assert 'data-testid="rerating-window"' in page and "14/07/2028" in page and "12/09/2028" in page
    assert "Chủ tịch UBND cấp tỉnh" in page  # who revokes a 4★ certificate
    response = client.post(url, form_data(), follow=True)
    assert response.redirect_chain[-1][0] == url
    body = response.content.decode()
    assert "Đã ghi kết quả kiểm tra ngày 01/09/2026." in body and "Nhãn dùng biểu trưng OCOP sai quy cách." in body
    assert "Ghi kết quả kiểm tra" in body  # the page shows its history, in words
    inspection = Inspection.objects.get()
    assert inspection.criteria_maintained is True and inspection.mark_use_correct is False


def test_a_form_error_is_shown_in_vietnamese(client, certified, province_officer):
    client.force_login(province_officer)
    url = f"/register/products/{certified.pk}/supervision/"
    response = client.post(url, form_data(proposes_revocation="on", proposed_ground=""))
    assert response.status_code == 400
    assert "Đề nghị thu hồi cần nêu căn cứ theo Điều 8 khoản 1" in response.content.decode()
    response = client.post(url, form_data(criteria_maintained=""))
    assert response.status_code == 400 and not Inspection.objects.exists()


def test_a_proposal_to_revoke_is_listed_with_its_deadline_and_leads_to_the_revocation(
    client, certified, province_officer
):
    client.force_login(province_officer)
    url = f"/register/products/{certified.pk}/supervision/"
    data = form_data(
        date="03/09/2026", proposes_revocation="on", proposed_ground="mark-misuse", kind="ad-hoc", body="ministry"
    )
    body = client.post(url, data, follow=True).content.decode()
    assert "chậm nhất ngày 18/09/2026" in body
    assert 'data-testid="pending-revocations"' in body and "18/09/2026" in body and "quá hạn" in body
    inspection = Inspection.objects.get()
    assert f"revoke/?inspection={inspection.pk}" in body
    revoke_url = f"/register/products/{certified.pk}/revoke/"
    form = client.get(revoke_url, {"inspection": inspection.pk}).content.decode()
    assert 'value="mark-misuse" selected' in form and "18/09/2026" in form
    client.post(
        revoke_url,
        {
            "issuing_level": "province",
            "decision_no": "55/QĐ-UBND",
            "decision_date": "15/09/2026",
            "ground": "mark-misuse",
            "found_on": "03/09/2026",
            "inspection": inspection.pk,
        },
    )
    certificate = certified.certificates.get()
    assert certificate.revocation.number == "55/QĐ-UBND" and certificate.revocation_inspection == inspection
    assert certificate.revocation_days_late == 0
    page = client.get(url).content.decode()
    assert 'data-testid="pending-revocations"' not in page and 'data-testid="revocation-deadline"' in page


def test_a_commune_officer_reads_the_page_but_cannot_record(client, certified, commune_officer, province_officer):
    inspect(province_officer, certified)
    client.force_login(commune_officer)
    url = f"/register/products/{certified.pk}/supervision/"
    page = client.get(url).content.decode()
    assert "Sản phẩm duy trì các tiêu chí đã được công nhận." in page and 'data-testid="inspection-form"' not in page
    assert client.post(url, form_data()).status_code == 403
    assert Inspection.objects.count() == 1


def test_a_producer_sees_only_their_own_products_page(client, certified, ocop_product, recognise, producer):
    other = ocop_product("Của chủ thể khác", producer="HTX Khác")
    recognise(other, RECOGNISED, stars=3)
    certified.producer.accounts.add(producer)
    client.force_login(producer)
    assert client.get(f"/register/products/{certified.pk}/supervision/").status_code == 200
    assert client.get(f"/register/products/{other.pk}/supervision/").status_code == 404


def test_the_page_requires_login(client, certified):
    response = client.get(f"/register/products/{certified.pk}/supervision/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the read API -----------------------------------------------------------------------------------------------------


def test_the_api_lists_a_products_inspections_in_scope(
    certified, province_officer, other_province_officer, ocop_product, recognise, producer
):
    first = inspect(province_officer, certified)
    second = inspect(
        province_officer,
        certified,
        date=D(2026, 10, 5),
        kind="ad-hoc",
        mark_use_correct=False,
        conclusion="Dùng nhãn OCOP cho sản phẩm chưa được công nhận.",
        proposes_revocation=True,
        proposed_ground=G.MARK_MISUSE,
    )
    api = TestClient(router)
    body = api.get(f"/products/{certified.pk}/inspections", user=province_officer).json()
    assert body["count"] == 2 and [i["id"] for i in body["items"]] == [second.pk, first.pk]
    item = body["items"][0]
    assert item["kind"] == "ad-hoc" and item["kind_label"] == "Kiểm tra đột xuất"
    assert item["mark_use_correct"] is False and item["proposed_ground"] == "mark-misuse"
    assert item["revocation_deadline"] == "2026-10-20" and item["certificate_stars"] == 4
    assert item["certificate_revoked"] is False and body["items"][1]["proposed_ground"] is None
    assert api.get(f"/inspections/{first.pk}", user=province_officer).json()["conclusion"] == first.conclusion
    assert api.get(f"/products/{certified.pk}/inspections", user=other_province_officer).status_code == 404
    assert api.get(f"/inspections/{first.pk}", user=other_province_officer).status_code == 404
    assert api.get(f"/inspections/{first.pk}", user=producer).status_code == 404  # not linked to HTX Thanh Hưng
    certified.producer.accounts.add(producer)
    producer.__dict__.pop("_area_scope_cache", None)
    assert api.get(f"/inspections/{first.pk}", user=producer).status_code == 200


def test_the_page_of_a_product_without_a_certificate_offers_no_revocation(client, ocop_product, province_officer):
    product = ocop_product("Chưa công nhận")
    client.force_login(province_officer)
    page = client.get(f"/register/products/{product.pk}/supervision/").content.decode()
    assert "Sản phẩm chưa có giấy chứng nhận OCOP." in page and 'data-testid="revoke-link"' not in page
    revoke_page = client.get(f"/register/products/{product.pk}/revoke/").content.decode()
    assert "Sản phẩm chưa có giấy chứng nhận nào trước ngày quyết định." in revoke_page
