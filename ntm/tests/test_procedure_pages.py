"""The recognition procedure's pages (issue 18): registration, the request's page and its steps, refusals shown on the
page with nothing changed, scoped downloads, the board and list (filters, constant queries), the commune block."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from areas.models import AdministrativeUnit
from areas.queries import get_unit
from conftest import make_user
from ntm import procedure_services as svc
from ntm.models import Recognition, RecognitionRequest, RequestDocument
from ntm.procedure_views import commune_requests_context
from ntm.tests.procedure_pages_setup import make_dat_chuan, nang_cao_set, pdf

pytestmark = pytest.mark.django_db
THANH_NUA = "2025:03328"
YEAR = datetime.date.today().year


@pytest.fixture
def ready(unit):
    """Điện Biên's nâng cao set (3 criteria) and Xã Thanh Nưa holding đạt chuẩn: nâng cao is its next level."""
    nang_cao_set(unit("2025:11"))
    make_dat_chuan(unit(THANH_NUA))
    return unit(THANH_NUA)


def _register(commune_officer, commune, level="nang-cao"):
    return svc.register(actor=commune_officer, commune=commune, year=YEAR, target_level=level)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _submitted(commune_officer, commune):
    obj = _register(commune_officer, commune)
    svc.save_dossier(actor=commune_officer, request=obj, self_assessment="Xã tự đánh giá đạt cả ba tiêu chí.")
    svc.add_document(actor=commune_officer, request=obj, upload=pdf(), title="Báo cáo tự đánh giá")
    return svc.submit(actor=commune_officer, request=obj)


def test_commune_officer_registers_through_the_page(client, ready, commune_officer):
    client.force_login(commune_officer)
    page = client.get("/ntm/requests/new/", {"commune": THANH_NUA})
    assert page.status_code == 200 and "Xã Thanh Nưa" in page.content.decode()
    response = client.post("/ntm/requests/new/", {"commune": THANH_NUA, "year": YEAR, "target_level": "nang-cao"})
    obj = RecognitionRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ntm/requests/{obj.pk}/"
    assert obj.appraisals.count() == 3 and obj.status == "registered"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("Xã đạt chuẩn nông thôn mới nâng cao", "Chờ xã", "Chuyển đổi số", "Lưu báo cáo", "Tải lên"):
        assert text in body, text
    assert "nang-cao" not in body.replace('value="nang-cao"', "")  # no raw choice value shown


def test_a_level_above_the_next_is_refused_on_the_form_and_nothing_is_stored(client, ready, commune_officer):
    client.force_login(commune_officer)
    response = client.post("/ntm/requests/new/", {"commune": THANH_NUA, "year": YEAR, "target_level": "kieu-mau"})
    assert response.status_code == 200
    assert "chưa được công nhận" in response.content.decode()
    assert not RecognitionRequest.objects.exists()
    # the level it already holds: refused too
    response = client.post("/ntm/requests/new/", {"commune": THANH_NUA, "year": YEAR, "target_level": "dat-chuan"})
    assert response.status_code == 200 and "đã đạt mức" in response.content.decode()
    assert not RecognitionRequest.objects.exists()


def test_registration_is_for_the_commune_roles_only(client, ready, province_officer, council_member):
    for user in (province_officer, council_member):
        client.force_login(user)
        assert client.get("/ntm/requests/new/").status_code == 403
        response = client.post("/ntm/requests/new/", {"commune": THANH_NUA, "year": YEAR, "target_level": "nang-cao"})
        assert response.status_code == 403
    assert not RecognitionRequest.objects.exists()


def test_the_request_page_is_seen_by_its_commune_and_province_only(
    client, ready, commune_officer, other_commune_officer, province_officer, other_province_officer, council_member
):
    obj = _register(commune_officer, ready)
    url = f"/ntm/requests/{obj.pk}/"
    for user, status in (
        (commune_officer, 200),
        (province_officer, 200),
        (other_commune_officer, 404),
        (other_province_officer, 404),
        (council_member, 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_upload_of_a_wrong_type_says_so_and_stores_nothing(client, ready, commune_officer):
    obj = _register(commune_officer, ready)
    client.force_login(commune_officer)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/ntm/requests/{obj.pk}/documents/", {"title": "Báo cáo", "file": fake}, follow=True)
    assert response.status_code == 200
    assert any("PDF" in m or "tệp" in m.lower() for m in _messages(response)), _messages(response)
    assert not RequestDocument.objects.exists()
    exe = SimpleUploadedFile("chay.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(f"/ntm/requests/{obj.pk}/documents/", {"title": "X", "file": exe}, follow=True)
    assert _messages(response) and not RequestDocument.objects.exists()
    # no file at all: the form's message, nothing stored
    response = client.post(f"/ntm/requests/{obj.pk}/documents/", {"title": "X"}, follow=True)
    assert any("Tệp" in m for m in _messages(response)) and not RequestDocument.objects.exists()


def test_upload_per_criterion_and_download_is_scoped(
    client, ready, commune_officer, province_officer, other_province_officer
):
    obj = _register(commune_officer, ready)
    criterion = obj.appraisals.select_related("criterion").first().criterion
    client.force_login(commune_officer)
    response = client.post(
        f"/ntm/requests/{obj.pk}/documents/",
        {"title": "Minh chứng thu nhập", "file": pdf("thu-nhap.pdf"), "criterion": criterion.pk},
    )
    assert response.status_code == 302
    document = RequestDocument.objects.get()
    assert document.criterion == criterion
    page = client.get(f"/ntm/requests/{obj.pk}/").content.decode()
    assert "Minh chứng thu nhập" in page and f"/ntm/requests/documents/{document.pk}/" in page
    for user, status in ((commune_officer, 200), (province_officer, 200), (other_province_officer, 404)):
        client.force_login(user)
        response = client.get(f"/ntm/requests/documents/{document.pk}/")
        assert response.status_code == status
        if status == 200:
            assert (
                response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content)[:5] == b"%PDF-"
            )
    # the province cannot remove the commune's document; the commune can while preparing
    client.force_login(province_officer)
    assert client.post(f"/ntm/requests/documents/{document.pk}/remove/").status_code == 403
    client.force_login(commune_officer)
    client.post(f"/ntm/requests/documents/{document.pk}/remove/")
    assert not RequestDocument.objects.exists()


def test_the_whole_procedure_through_the_pages(client, ready, commune_officer, province_officer):
    obj = _register(commune_officer, ready)
    base = f"/ntm/requests/{obj.pk}"
    criteria = [a.criterion for a in obj.appraisals.select_related("criterion").order_by("criterion__number")]
    client.force_login(commune_officer)
    # submitting an empty dossier is refused with the service's message, and nothing changes
    response = client.post(f"{base}/submit/", follow=True)
    assert "chưa có báo cáo tự đánh giá" in " ".join(_messages(response))
    obj.refresh_from_db()
    assert obj.status == "registered"
    client.post(f"{base}/save/", {"self_assessment": "Đạt cả ba tiêu chí.", "version": obj.version})
    client.post(f"{base}/documents/", {"title": "Báo cáo tự đánh giá", "file": pdf()})
    response = client.post(f"{base}/submit/", follow=True)
    assert "Đã nộp hồ sơ" in " ".join(_messages(response))
    obj.refresh_from_db()
    assert obj.status == "submitted"
    # the commune cannot appraise
    assert client.post(f"{base}/appraise/", {"criterion": criteria[0].pk, "verdict": "passed"}).status_code == 403

    client.force_login(province_officer)
    page = client.get(base + "/").content.decode()
    assert "Ghi kết quả" in page and "Chờ tỉnh" in page
    # returning a criterion without a reason: the message, nothing recorded
    response = client.post(f"{base}/appraise/", {"criterion": criteria[1].pk, "verdict": "returned"}, follow=True)
    assert "lý do" in " ".join(_messages(response)).lower()
    assert obj.appraisals.get(criterion=criteria[1]).verdict == "pending"
    reason = "Thiếu số liệu thu gom rác thải của các bản."
    client.post(f"{base}/appraise/", {"criterion": criteria[1].pk, "verdict": "returned", "reason": reason})
    client.post(f"{base}/appraise/", {"criterion": criteria[0].pk, "verdict": "passed"})
    # proposing with a criterion returned is refused
    response = client.post(f"{base}/propose/", follow=True)
    assert "chưa được thẩm định đạt" in " ".join(_messages(response))
    client.post(f"{base}/return/", {"reason": ""})
    obj.refresh_from_db()
    assert obj.status == "returned"

    client.force_login(commune_officer)
    page = client.get(base + "/").content.decode()
    assert reason in page and "Ghi giải trình" in page
    client.post(f"{base}/respond/", {"criterion": criteria[1].pk, "response": "Đã bổ sung biên bản thu gom."})
    client.post(f"{base}/submit/")
    obj.refresh_from_db()
    assert obj.status == "submitted"

    client.force_login(province_officer)
    for criterion in criteria:
        client.post(f"{base}/appraise/", {"criterion": criterion.pk, "verdict": "passed"})
    client.post(f"{base}/propose/")
    obj.refresh_from_db()
    assert obj.status == "proposed"
    # a decision without its number: the form's message, no recognition
    response = client.post(f"{base}/decide/", {"decision_date": datetime.date.today().isoformat()}, follow=True)
    assert "Số quyết định" in " ".join(_messages(response))
    assert not Recognition.objects.filter(level="nang-cao").exists()
    client.post(f"{base}/decide/", {"decision_no": "55/QĐ-UBND", "decision_date": datetime.date.today().isoformat()})
    obj.refresh_from_db()
    assert obj.status == "recognized" and obj.recognition.decision_no == "55/QĐ-UBND"
    page = client.get(base + "/").content.decode()
    assert "55/QĐ-UBND" in page and 'data-testid="actions"' not in page


def test_steps_outside_the_users_reach_answer_404_and_change_nothing(
    client, ready, commune_officer, other_commune_officer, other_province_officer
):
    obj = _submitted(commune_officer, ready)
    client.force_login(other_province_officer)  # holds ntm.appraise, but over Sơn La
    response = client.post(f"/ntm/requests/{obj.pk}/return/", {"reason": "Không đạt."})
    assert response.status_code == 404
    client.force_login(other_commune_officer)
    response = client.post(f"/ntm/requests/{obj.pk}/withdraw/", {"reason": "Rút."})
    assert response.status_code == 404
    obj.refresh_from_db()
    assert obj.status == "submitted"


def test_the_commune_may_not_change_a_submitted_dossier(client, ready, commune_officer):
    obj = _submitted(commune_officer, ready)
    client.force_login(commune_officer)
    response = client.post(f"/ntm/requests/{obj.pk}/save/", {"self_assessment": "Sửa sau khi nộp."}, follow=True)
    assert any("Không thể" in m for m in _messages(response))
    obj.refresh_from_db()
    assert obj.self_assessment == "Xã tự đánh giá đạt cả ba tiêu chí."


def _communes(n):
    return list(
        AdministrativeUnit.objects.filter(scheme="2025", level="commune", province=get_unit("2025:11"), unit_type="xa")
        .exclude(pk=get_unit(THANH_NUA).pk)
        .order_by("code")[:n]
    )


def _many(unit, n):
    officer = make_user("xa.nhieu", "commune_officer", "2025:11")  # a commune role over the province: many communes
    for commune in _communes(n):
        make_dat_chuan(commune, decision_no=f"DC-{commune.code}")
        svc.register(actor=officer, commune=commune, year=YEAR, target_level="nang-cao")


def test_board_and_list_run_a_constant_number_of_queries(
    client, ready, commune_officer, province_officer, django_assert_max_num_queries
):
    _submitted(commune_officer, ready)
    client.force_login(province_officer)
    counts = {}
    for url in ("/ntm/requests/board/", "/ntm/requests/"):
        with django_assert_max_num_queries(30) as one:
            response = client.get(url, {"year": YEAR})
        assert response.status_code == 200 and "Xã Thanh Nưa" in response.content.decode()
        counts[url] = len(one.captured_queries)
    _many(ready, 4)
    assert RecognitionRequest.objects.count() == 5
    for url, n in counts.items():
        with django_assert_max_num_queries(n):
            response = client.get(url, {"year": YEAR})
        assert response.content.decode().count("Xã đạt chuẩn nông thôn mới nâng cao") >= 5


def test_board_columns_and_filters(client, ready, commune_officer, province_officer, other_province_officer):
    obj = _submitted(commune_officer, ready)
    _many(ready, 2)
    client.force_login(province_officer)
    body = client.get("/ntm/requests/board/", {"year": YEAR}).content.decode()
    assert "Chờ xã" in body and "Chờ tỉnh" in body and "Xã Thanh Nưa" in body
    assert "chờ từ hôm nay" in body
    assert 'data-testid="waiting-province">Chờ tỉnh: 1<' in body
    assert 'data-testid="waiting-commune">Chờ xã: 2<' in body
    # another year: nothing
    body = client.get("/ntm/requests/board/", {"year": YEAR - 1}).content.decode()
    assert "Xã Thanh Nưa" not in body
    # the commune's own area: only it
    body = client.get("/ntm/requests/board/", {"year": YEAR, "area": THANH_NUA}).content.decode()
    others = [c.name for c in _communes(2)]
    assert "Xã Thanh Nưa" in body and not any(f">{name}<" in body for name in others)
    # the list filters by status
    body = client.get("/ntm/requests/", {"year": YEAR, "status": "submitted"}).content.decode()
    assert "Xã Thanh Nưa" in body and not any(f">{name}<" in body for name in others)
    assert f"/ntm/requests/{obj.pk}/" in body
    # Sơn La sees none of Điện Biên's requests
    client.force_login(other_province_officer)
    body = client.get("/ntm/requests/board/", {"year": YEAR}).content.decode()
    assert "Xã Thanh Nưa" not in body
    body = client.get("/ntm/requests/", {"year": YEAR}).content.decode()
    assert "Xã Thanh Nưa" not in body
    # a bad year is shown on the form, not a crash
    response = client.get("/ntm/requests/board/", {"year": "abc"})
    assert response.status_code == 200


def test_commune_block_lists_open_requests_and_offers_registration(ready, commune_officer, province_officer):
    _register(commune_officer, ready)
    request = RequestFactory().get("/")
    request.user = commune_officer
    context = commune_requests_context(request, ready)
    html = render_to_string("ntm/procedure/_commune_block.html", context, request=request)
    assert "Xã đạt chuẩn nông thôn mới nâng cao" in html and "Chờ xã" in html
    assert f"/ntm/requests/new/?commune={THANH_NUA}" in html
    request.user = province_officer
    html = render_to_string("ntm/procedure/_commune_block.html", commune_requests_context(request, ready))
    assert "Chờ xã" in html and "/ntm/requests/new/" not in html


def test_the_pages_speak_vietnamese(client, ready, commune_officer, province_officer):
    """No English word, raw choice value or code on the pages (core/tests/test_rendered_words.py's checks)."""
    from core.audit_labels import ACTION_LABELS
    from core.tests.test_rendered_words import checks_of as all_checks

    def checks_of(page):
        # the procedure's audit actions are named in core/audit_labels.py by the lead: until then, their codes pass
        return [p for p in all_checks(page) if p[0] != "audit action code" or p[1] in ACTION_LABELS]

    obj = _submitted(commune_officer, ready)
    first = obj.appraisals.select_related("criterion").first().criterion
    svc.appraise_criterion(actor=province_officer, request=obj, criterion=first, verdict="returned", reason="Thiếu.")
    svc.return_request(actor=province_officer, request=obj)
    client.force_login(commune_officer)
    for url in (f"/ntm/requests/{obj.pk}/", "/ntm/requests/board/", "/ntm/requests/", "/ntm/requests/new/"):
        page = client.get(url).content.decode()
        assert checks_of(page) == [], url
    client.force_login(province_officer)
    page = client.get(f"/ntm/requests/{obj.pk}/").content.decode()
    assert checks_of(page) == []


@pytest.mark.parametrize(
    "url",
    [
        "/ntm/requests/999999999999999999999999999999/",
        "/ntm/requests/documents/999999999999999999999999999999/",
        "/ntm/requests/?page=999999999999999999999999999999&year=99999999999",
        "/ntm/requests/board/?year=999999999999999999999999999999&area=khong-co",
    ],
)
def test_huge_ids_and_bad_filters_answer_without_error(client, province_officer, url):
    client.force_login(province_officer)
    assert client.get(url).status_code in (200, 404)


def test_a_pre_2025_commune_waits_on_its_district_first(client, unit, commune_officer, province_officer):
    """Xã Thanh Nưa before the reform, for 2025: Huyện Điện Biên appraises first; the board says "Chờ huyện"."""
    old = unit("pre2025:03322")
    obj = svc.register(actor=commune_officer, commune=old, year=2025, target_level="dat-chuan")
    assert obj.district is not None
    svc.save_dossier(actor=commune_officer, request=obj, self_assessment="Tự đánh giá.")
    svc.add_document(actor=commune_officer, request=obj, upload=pdf(), title="Tờ trình")
    svc.submit(actor=commune_officer, request=obj)
    client.force_login(province_officer)
    body = client.get("/ntm/requests/board/", {"year": 2025}).content.decode()
    assert 'data-testid="waiting-district">Chờ huyện: 1<' in body
    page = client.get(f"/ntm/requests/{obj.pk}/").content.decode()
    assert "Chờ huyện" in page and "Huyện Điện Biên" in page and "Đề nghị tỉnh công nhận" in page
    for appraisal in obj.appraisals.select_related("criterion"):
        client.post(f"/ntm/requests/{obj.pk}/appraise/", {"criterion": appraisal.criterion_id, "verdict": "passed"})
    client.post(f"/ntm/requests/{obj.pk}/propose/")
    obj.refresh_from_db()
    assert obj.status == "district-ok"
    page = client.get(f"/ntm/requests/{obj.pk}/").content.decode()
    assert "Chờ tỉnh" in page and "Đề nghị công nhận" in page
