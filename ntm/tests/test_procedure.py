"""The NTM recognition procedure (issue 18): register → dossier → appraisal by the district and/or the province →
decision; permissions by role and area, refusals that change nothing, the board and the API."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.services import issue_token
from conftest import make_user
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from notifications.models import Notification
from ntm import procedure_services as ps
from ntm.choices import AppraisalVerdict, Issuer, RequestStatus, SetKind, SetLevel
from ntm.models import CriteriaSet, Criterion, CriterionAppraisal, Recognition, RecognitionRequest, RequestDocument
from ntm.procedure_queries import board, request_detail, requests_for
from ntm.queries import ntm_report
from ntm.services import record_recognition

pytestmark = pytest.mark.django_db

D = datetime.date
OLD_THANH_NUA = "pre2025:03322"  # a commune of Huyện Điện Biên (pre2025:100), merged into 2025:03328 on 01/07/2025
THANH_NUA = "2025:03328"  # commune_officer's commune
OTHER = "2025:03334"  # other_commune_officer's unit (Phường Mường Thanh: a ward, never registers)
THANH_YEN = "2025:03349"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def thanh_yen_officer(db):
    return make_user("xa.thanhyen.thu", Role.COMMUNE_OFFICER, THANH_YEN)


@pytest.fixture
def district_officer(db):
    """A province-officer membership on the pre-2025 district Huyện Điện Biên: the district's appraisers."""
    return make_user("huyen.dienbien", Role.PROVINCE_OFFICER, "pre2025:100")


def _ready(officer, request, criterion=None):
    """Self-assessment and one document: what submit needs."""
    ps.save_dossier(actor=officer, request=request, self_assessment="Xã tự đánh giá đạt tất cả tiêu chí.")
    ps.add_document(actor=officer, request=request, upload=pdf(), title="Tờ trình đề nghị", criterion=criterion)


def _pass_all(officer, request):
    for appraisal in request.appraisals.select_related("criterion"):
        if appraisal.verdict != AppraisalVerdict.PASSED:
            ps.appraise_criterion(actor=officer, request=request, criterion=appraisal.criterion, verdict="passed")


def _state(request):
    """What a refusal must leave unchanged."""
    request.refresh_from_db()
    return (
        request.status,
        request.version,
        request.self_assessment,
        list(request.appraisals.values_list("verdict", "reason", "response")),
        request.documents.count(),
        AuditEntry.objects.count(),
        Recognition.objects.count(),
    )


def _nang_cao_set(province, code="nc-thu-proc"):
    """A province's nâng cao set with three test criteria (test data, not an official text)."""
    criteria_set = CriteriaSet.objects.create(
        code=code,
        title="Bộ tiêu chí thử nâng cao",
        kind=SetKind.COMMUNE,
        level=SetLevel.ADVANCED,
        issuer=Issuer.PROVINCE,
        province=province,
        valid_from=D(2021, 1, 1),
    )
    for n in (1, 2, 3):
        Criterion.objects.create(criteria_set=criteria_set, code=f"t{n}", number=n, name=f"Tiêu chí thử {n}")
    return criteria_set


# ---- the whole path --------------------------------------------------------------------------------------------


def test_whole_path_with_a_district_stage(unit, commune_officer, district_officer, province_officer):
    commune = unit(OLD_THANH_NUA)
    request = ps.register(actor=commune_officer, commune=commune, year=2024, target_level="dat-chuan")
    assert request.district == unit("pre2025:100")
    assert request.criteria_set.code == "ntm-2021"
    assert request.appraisals.count() == request.criteria_set.criteria.count() == 19
    assert ps.waiting_on(request) == "commune"
    assert ps.allowed_actions(commune_officer, request) == {"save", "document", "submit", "withdraw"}

    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and ps.waiting_on(request) == "district"
    # the district's appraisers are told (the province officer too: their province reaches the district)
    assert Notification.objects.filter(user=district_officer, kind="ntm.request.submitted").exists()
    assert ps.allowed_actions(district_officer, request) >= {"appraise", "return", "propose"}
    assert "decide" not in ps.allowed_actions(district_officer, request)

    # the district appraises and proposes
    _pass_all(district_officer, request)
    ps.propose(actor=district_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DISTRICT_PROPOSED and ps.waiting_on(request) == "province"
    # the province appraises again from pending; the district's verdicts stay in the audit
    assert set(request.appraisals.values_list("verdict", flat=True)) == {AppraisalVerdict.PENDING}
    assert AuditEntry.objects.filter(action="ntm.request.district_proposed", object_id=str(request.pk)).exists()
    assert Notification.objects.filter(user=province_officer, kind="ntm.request.district_proposed").exists()
    # the district no longer appraises: the province stage is not theirs
    first = request.criteria_set.criteria.get(number=1)
    with pytest.raises(PermissionRefused):
        ps.appraise_criterion(actor=district_officer, request=request, criterion=first, verdict="passed")

    # the province returns one criterion with a reason
    third = request.criteria_set.criteria.get(number=3)
    _pass_all(province_officer, request)
    ps.appraise_criterion(
        actor=province_officer, request=request, criterion=third, verdict="returned", reason="Thiếu biên bản nghiệm thu"
    )
    with pytest.raises(DomainError, match="3"):
        ps.propose(actor=province_officer, request=request)
    ps.return_request(actor=province_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED and ps.waiting_on(request) == "commune"
    told = Notification.objects.get(user=commune_officer, kind="ntm.request.returned")
    assert "Thiếu biên bản nghiệm thu" in told.body

    # resubmitting without answering the returned criterion is refused
    before = _state(request)
    with pytest.raises(DomainError, match="chưa được giải trình"):
        ps.submit(actor=commune_officer, request=request)
    assert _state(request) == before

    ps.respond(actor=commune_officer, request=request, criterion=third, response="Đã bổ sung biên bản.")
    ps.add_document(actor=commune_officer, request=request, upload=pdf("bien-ban.pdf"), title="", criterion=third)
    ps.submit(actor=commune_officer, request=request)
    request.refresh_from_db()
    # back to the province (the district already proposed), only the returned criterion to appraise again
    assert request.status == RequestStatus.DISTRICT_PROPOSED and ps.waiting_on(request) == "province"
    assert request.appraisals.get(criterion=third).verdict == AppraisalVerdict.PENDING
    assert request.appraisals.exclude(criterion=third).filter(verdict="passed").count() == 18

    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED
    assert ps.allowed_actions(province_officer, request) == {"decide", "refuse"}
    ps.decide(actor=province_officer, request=request, decision_no="123/QĐ-UBND", decision_date=D(2024, 12, 20))
    request.refresh_from_db()
    assert request.status == RequestStatus.RECOGNIZED and ps.waiting_on(request) is None
    recognition = request.recognition
    assert recognition.level == "dat-chuan" and recognition.commune == commune
    assert recognition.decision_no == "123/QĐ-UBND"
    # counted by the report of the district for 2024
    assert ntm_report(2024, "pre2025:100")["recognized"]["dat-chuan"] == 1

    # the history tells every step in order
    detail = request_detail(request)
    actions = [h["action"] for h in detail["history"]]
    assert actions[0] == "ntm.request.registered" and actions[-1] == "ntm.request.decided"
    assert "ntm.request.returned" in actions and "ntm.request.responded" in actions
    returned = next(h for h in detail["history"] if h["verdict"] == "returned")
    assert returned["reason"] == "Thiếu biên bản nghiệm thu" and returned["criterion"] == third.code
    assert returned["verdict_label"] == "Trả lại, cần bổ sung"
    row = next(c for c in detail["criteria"] if c["criterion"] == third)
    assert [d.original_name for d in row["documents"]] == ["bien-ban.pdf"]
    assert [d.title for d in detail["documents"]] == ["Tờ trình đề nghị"]


def test_whole_path_without_a_district(unit, commune_officer, province_officer):
    commune = unit(THANH_NUA)
    request = ps.register(actor=commune_officer, commune=commune, year=2026, target_level="dat-chuan")
    assert request.district is None and request.criteria_set.code == "ntm-2026"
    assert request.appraisals.count() == 10
    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    request.refresh_from_db()
    assert ps.waiting_on(request) == "province" and ps.stage(request) == "province"
    assert Notification.objects.filter(user=province_officer, kind="ntm.request.submitted").exists()
    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    assert Notification.objects.filter(user=province_officer, kind="ntm.request.proposed").count() == 0  # own step
    ps.decide(actor=province_officer, request=request, decision_no="9/QĐ-UBND", decision_date=D(2026, 11, 2))
    request.refresh_from_db()
    assert request.status == RequestStatus.RECOGNIZED and request.recognition.level == "dat-chuan"
    assert Notification.objects.filter(user=commune_officer, kind="ntm.request.decided").exists()
    assert ntm_report(2026, "2025:11")["recognized"]["dat-chuan"] >= 1


def test_nang_cao_uses_the_province_set_and_needs_dat_chuan(unit, commune_officer, province_officer):
    commune = unit(THANH_NUA)
    with pytest.raises(DomainError, match="chưa được công nhận"):
        ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    with pytest.raises(DomainError, match="chưa được công nhận"):
        ps.register(actor=commune_officer, commune=commune, year=2026, target_level="kieu-mau")
    record_recognition(actor=None, commune=commune, level="dat-chuan", decision_no="1/QĐ", decision_date=D(2026, 3, 1))
    with pytest.raises(DomainError, match="đã đạt"):
        ps.register(actor=commune_officer, commune=commune, year=2026, target_level="dat-chuan")
    with pytest.raises(DomainError, match="Chưa có bộ tiêu chí"):  # no nâng cao set at all
        ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    national = CriteriaSet.objects.create(
        code="nc-quoc-gia-thu", title="Bộ thử", kind=SetKind.COMMUNE, level=SetLevel.ADVANCED, valid_from=D(2021, 1, 1)
    )
    own = _nang_cao_set(unit("2025:11"))
    request = ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    assert request.criteria_set == own != national  # the province's set wins over the national one
    assert request.appraisals.count() == 3
    with pytest.raises(DomainError, match="đang mở"):
        ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    # withdrawn: the commune may register again
    ps.withdraw(actor=commune_officer, request=request, reason="Chưa đủ điều kiện")
    again = ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    assert again.pk != request.pk


def test_a_count_only_set_is_appraised_as_a_whole(unit, commune_officer, province_officer):
    commune = unit(THANH_NUA)
    record_recognition(actor=None, commune=commune, level="dat-chuan", decision_no="1/QĐ", decision_date=D(2026, 3, 1))
    CriteriaSet.objects.create(
        code="nc-dem",
        title="Bộ chỉ có số tiêu chí",
        kind=SetKind.COMMUNE,
        level=SetLevel.ADVANCED,
        issuer=Issuer.PROVINCE,
        province=unit("2025:11"),
        valid_from=D(2021, 1, 1),
        declared_criteria=16,
    )
    request = ps.register(actor=commune_officer, commune=commune, year=2026, target_level="nang-cao")
    assert request.appraisals.count() == 0
    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    with pytest.raises(DomainError, match="lý do"):
        ps.return_request(actor=province_officer, request=request)
    ps.return_request(actor=province_officer, request=request, reason="Bổ sung báo cáo")
    request.refresh_from_db()
    assert request.last_reason == "Bổ sung báo cáo" and request.status == RequestStatus.RETURNED
    ps.submit(actor=commune_officer, request=request)
    ps.propose(actor=province_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED


# ---- permissions by role and area ----------------------------------------------------------------------------------


def test_commune_officer_of_another_commune_cannot_register_or_submit(
    unit, commune_officer, other_commune_officer, other_province_officer
):
    commune = unit(THANH_NUA)
    for actor in (other_commune_officer, other_province_officer):
        with pytest.raises(PermissionRefused):
            ps.register(actor=actor, commune=commune, year=2026, target_level="dat-chuan")
    assert not RecognitionRequest.objects.exists()
    request = ps.register(actor=commune_officer, commune=commune, year=2026, target_level="dat-chuan")
    _ready(commune_officer, request)
    before = _state(request)
    for call in (
        lambda: ps.submit(actor=other_commune_officer, request=request),
        lambda: ps.save_dossier(actor=other_commune_officer, request=request, self_assessment="x"),
        lambda: ps.add_document(actor=other_commune_officer, request=request, upload=pdf(), title="x"),
        lambda: ps.withdraw(actor=other_commune_officer, request=request, reason="x"),
    ):
        with pytest.raises(PermissionRefused):
            call()
    assert _state(request) == before
    assert ps.allowed_actions(other_commune_officer, request) == set()
    assert not requests_for(user=other_commune_officer).exists()
    assert not requests_for(user=other_province_officer).exists()


def test_who_appraises_and_decides(unit, commune_officer, province_officer, other_province_officer, council_member):
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    first = request.criteria_set.criteria.get(number=1)
    before = _state(request)
    for actor in (other_province_officer, commune_officer, council_member):
        with pytest.raises(PermissionRefused):
            ps.appraise_criterion(actor=actor, request=request, criterion=first, verdict="passed")
        with pytest.raises(PermissionRefused):
            ps.return_request(actor=actor, request=request, reason="x")
        with pytest.raises(PermissionRefused):
            ps.propose(actor=actor, request=request)
    assert _state(request) == before
    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    before = _state(request)
    for actor in (other_province_officer, commune_officer):
        with pytest.raises(PermissionRefused):
            ps.decide(actor=actor, request=request, decision_no="1/QĐ", decision_date=D(2026, 11, 1))
        with pytest.raises(PermissionRefused):
            ps.refuse(actor=actor, request=request, reason="x")
    assert _state(request) == before
    assert ps.allowed_actions(commune_officer, request) == {"withdraw"}


def test_a_district_officer_appraises_the_district_stage_only(
    unit, commune_officer, district_officer, province_officer
):
    request = ps.register(actor=commune_officer, commune=unit(OLD_THANH_NUA), year=2024, target_level="dat-chuan")
    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    first = request.criteria_set.criteria.get(number=1)
    ps.appraise_criterion(
        actor=district_officer, request=request, criterion=first, verdict="returned", reason="Thiếu số liệu"
    )
    assert requests_for(user=district_officer).filter(pk=request.pk).exists()
    _pass_all(district_officer, request)
    ps.propose(actor=district_officer, request=request)
    request.refresh_from_db()
    before = _state(request)
    with pytest.raises(PermissionRefused):
        ps.appraise_criterion(actor=district_officer, request=request, criterion=first, verdict="passed")
    with pytest.raises(PermissionRefused):
        ps.propose(actor=district_officer, request=request)
    assert _state(request) == before
    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    with pytest.raises(PermissionRefused):
        ps.decide(actor=district_officer, request=request, decision_no="1/QĐ", decision_date=D(2024, 12, 1))
    assert ps.allowed_actions(district_officer, request) == set()
    # a 2025-scheme commune has no district: the district officer does not reach it at all
    other = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    assert not requests_for(user=district_officer).filter(pk=other.pk).exists()


# ---- refusals that change nothing ---------------------------------------------------------------------------------


def test_bad_steps_are_refused_with_a_message_and_change_nothing(unit, commune_officer, province_officer):
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    before = _state(request)
    with pytest.raises(DomainError, match="báo cáo tự đánh giá"):
        ps.submit(actor=commune_officer, request=request)
    ps.save_dossier(actor=commune_officer, request=request, self_assessment="Báo cáo")
    before = _state(request)
    with pytest.raises(DomainError, match="chưa có tài liệu"):
        ps.submit(actor=commune_officer, request=request)
    with pytest.raises(DomainError, match="không đúng loại"):
        ps.add_document(
            actor=commune_officer, request=request, upload=SimpleUploadedFile("a.exe", b"MZ"), title="Tệp lạ"
        )
    with pytest.raises(DomainError, match="không phải là PDF"):
        ps.add_document(actor=commune_officer, request=request, upload=SimpleUploadedFile("a.pdf", b"MZ.."), title="")
    foreign = Criterion.objects.exclude(criteria_set=request.criteria_set).first()
    with pytest.raises(DomainError, match="không thuộc bộ tiêu chí"):
        ps.add_document(actor=commune_officer, request=request, upload=pdf(), title="x", criterion=foreign)
    with pytest.raises(DomainError, match="Không thể"):
        ps.propose(actor=province_officer, request=request)
    with pytest.raises(DomainError, match="Không thể"):
        ps.respond(actor=commune_officer, request=request, criterion=foreign, response="x")
    with pytest.raises(DomainError, match="lý do"):
        ps.withdraw(actor=commune_officer, request=request, reason=" ")
    with pytest.raises(DomainError, match="phiên bản|Phiên bản|đã được|sửa"):
        ps.save_dossier(actor=commune_officer, request=request, self_assessment="Khác", expected_version=1)
    assert _state(request) == before
    assert not RequestDocument.objects.exists()

    ps.add_document(actor=commune_officer, request=request, upload=pdf(), title="Tờ trình")
    ps.submit(actor=commune_officer, request=request)
    first = request.criteria_set.criteria.get(number=1)
    before = _state(request)
    with pytest.raises(DomainError, match="lý do"):
        ps.appraise_criterion(actor=province_officer, request=request, criterion=first, verdict="returned")
    with pytest.raises(DomainError, match="đạt hoặc trả lại"):
        ps.appraise_criterion(actor=province_officer, request=request, criterion=first, verdict="pending")
    with pytest.raises(DomainError, match="Trả lại ít nhất"):
        ps.return_request(actor=province_officer, request=request)
    with pytest.raises(DomainError, match="chưa được thẩm định đạt"):
        ps.propose(actor=province_officer, request=request)
    with pytest.raises(DomainError, match="Không thể"):
        ps.decide(actor=province_officer, request=request, decision_no="1/QĐ", decision_date=D(2026, 11, 1))
    with pytest.raises(DomainError, match="Không thể"):
        ps.save_dossier(actor=commune_officer, request=request, self_assessment="Sửa sau khi nộp")
    with pytest.raises(DomainError, match="Không thể"):
        ps.remove_document(actor=commune_officer, document=request.documents.first())
    assert _state(request) == before

    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    before = _state(request)
    with pytest.raises(DomainError, match="số quyết định"):
        ps.decide(actor=province_officer, request=request, decision_no=" ", decision_date=D(2026, 11, 1))
    with pytest.raises(DomainError, match="sau hôm nay"):
        ps.decide(actor=province_officer, request=request, decision_no="1/QĐ", decision_date=D(2100, 1, 1))
    with pytest.raises(DomainError, match="năm đăng ký"):
        ps.decide(actor=province_officer, request=request, decision_no="1/QĐ", decision_date=D(2025, 1, 1))
    assert _state(request) == before
    ps.refuse(actor=province_officer, request=request, reason="Tiêu chí 5 chưa bền vững")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and ps.waiting_on(request) is None
    assert ps.allowed_actions(province_officer, request) == set()


def test_register_refuses_a_ward_a_gone_commune_and_a_bad_level(unit, commune_officer, system_admin):
    with pytest.raises(DomainError, match="Mức đăng ký"):
        ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="thon-ntm")
    with pytest.raises(DomainError, match="không có hiệu lực"):
        ps.register(actor=commune_officer, commune=unit(OLD_THANH_NUA), year=2026, target_level="dat-chuan")
    with pytest.raises(DomainError, match="phường, thị trấn"):
        ps.register(actor=system_admin, commune=unit("2025:11"), year=2026, target_level="dat-chuan")
    assert not RecognitionRequest.objects.exists()


def test_remove_document_while_editable(unit, commune_officer):
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    document = ps.add_document(actor=commune_officer, request=request, upload=pdf("x.pdf"), title="Bản nháp")
    assert document.original_name == "x.pdf" and "x.pdf" not in document.file.name  # stored under a random name
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    ps.remove_document(actor=commune_officer, document=document)
    assert not RequestDocument.objects.exists()
    assert AuditEntry.objects.filter(action="ntm.request.document_removed", object_id=str(request.pk)).exists()


def test_imported_recognitions_stay_valid_without_a_request(unit):
    commune = unit(OLD_THANH_NUA)
    recognition, created = record_recognition(
        actor=None,
        commune=commune,
        level="dat-chuan",
        decision_no="55/QĐ",
        decision_date=D(2023, 5, 1),
        source="import",
    )
    assert created and not RecognitionRequest.objects.exists()
    assert ntm_report(2023, "pre2025:100")["recognized"]["dat-chuan"] == 1
    assert ntm_report(2024, "pre2025:100")["recognized_cumulative"]["dat-chuan"] >= 1
    # registering that level again is refused: the commune holds it
    with pytest.raises(DomainError, match="đã đạt"):
        ps.register(actor=None, commune=commune, year=2024, target_level="dat-chuan")


# ---- the board ---------------------------------------------------------------------------------------------------


def _column(data, status):
    return next(c for c in data["columns"] if c["status"] == status)


def test_board_waiting_on_per_status(unit, commune_officer, thanh_yen_officer, province_officer, district_officer):
    registered = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    submitted = ps.register(actor=thanh_yen_officer, commune=unit(THANH_YEN), year=2026, target_level="dat-chuan")
    _ready(thanh_yen_officer, submitted)
    ps.submit(actor=thanh_yen_officer, request=submitted)
    data = board(user=province_officer, year=2026)
    assert [r["pk"] for r in _column(data, "registered")["requests"]] == [registered.pk]
    assert _column(data, "registered")["waiting_on"] == "commune"
    row = _column(data, "submitted")["requests"][0]
    assert row["pk"] == submitted.pk and row["waiting_on"] == "province" and row["days_waiting"] == 0
    assert row["commune_name"] == unit(THANH_YEN).name and row["level_label"] == "Xã đạt chuẩn nông thôn mới"
    assert data["counts"]["total"] == 2 and data["counts"]["waiting_on"] == {"commune": 1, "district": 0, "province": 1}
    # scoped: each commune officer sees their own commune only; another province nothing
    assert board(user=commune_officer, year=2026)["counts"]["total"] == 1
    assert board(user=province_officer, year=2026, area=unit(THANH_YEN))["counts"]["total"] == 1
    assert board(user=province_officer, year=2025)["counts"]["total"] == 0

    old = ps.register(actor=commune_officer, commune=unit(OLD_THANH_NUA), year=2024, target_level="dat-chuan")
    _ready(commune_officer, old)
    ps.submit(actor=commune_officer, request=old)
    data = board(user=district_officer, year=2024)
    column = _column(data, "submitted")
    assert column["waiting_on"] == "district" and column["requests"][0]["waiting_on"] == "district"
    assert board(user=province_officer, year=2024, area=unit("pre2025:100"))["counts"]["total"] == 1
    ps.refuse(actor=province_officer, request=old, reason="Không đủ điều kiện")
    data = board(user=province_officer, year=2024)
    refused = _column(data, "refused")
    assert refused["waiting_on"] is None and refused["requests"][0]["days_waiting"] is None


def test_board_queries_do_not_grow_with_requests(unit, province_officer):
    from areas.models import AdministrativeUnit

    communes = list(
        AdministrativeUnit.objects.filter(scheme="2025", province=unit("2025:11"), level="commune", unit_type="xa")[:5]
    )
    ps.register(actor=None, commune=communes[0], year=2026, target_level="dat-chuan")
    board(user=province_officer, year=2026)  # warm the scope cache
    with CaptureQueriesContext(connection) as one:
        assert board(user=province_officer, year=2026)["counts"]["total"] == 1
    for commune in communes[1:]:
        ps.register(actor=None, commune=commune, year=2026, target_level="dat-chuan")
    with CaptureQueriesContext(connection) as five:
        assert board(user=province_officer, year=2026)["counts"]["total"] == 5
    assert len(five) == len(one)


def test_request_detail_queries_are_constant(unit, commune_officer):
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    with CaptureQueriesContext(connection) as few:
        request_detail(request)
    for n in range(3):
        ps.add_document(actor=commune_officer, request=request, upload=pdf(f"t{n}.pdf"), title=f"Tài liệu {n}")
    with CaptureQueriesContext(connection) as more:
        detail = request_detail(request)
    assert len(more) == len(few) == 3 and len(detail["documents"]) == 3


# ---- the API -----------------------------------------------------------------------------------------------------


def _client(user):
    _token, key = issue_token(actor=user, name="api")
    return Client(headers={"Authorization": f"Bearer {key}"}, raise_request_exception=False)


def test_api_happy_path(unit, commune_officer, province_officer):
    commune_api, province_api = _client(commune_officer), _client(province_officer)
    answer = commune_api.post(
        "/api/v1/ntm/requests",
        {"commune": THANH_NUA, "year": 2026, "target_level": "dat-chuan"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["waiting_on"] == "commune" and body["criteria_set"] == "ntm-2026" and len(body["criteria"]) == 10
    pk = body["id"]
    request = RecognitionRequest.objects.get(pk=pk)
    _ready(commune_officer, request)
    answer = commune_api.post(f"/api/v1/ntm/requests/{pk}/submit")
    assert answer.status_code == 200 and answer.json()["waiting_on"] == "province"

    listed = province_api.get("/api/v1/ntm/requests", {"year": 2026, "area": "2025:11", "status": "submitted"})
    assert [r["id"] for r in listed.json()["items"]] == [pk]
    detail = province_api.get(f"/api/v1/ntm/requests/{pk}").json()
    assert detail["documents"][0]["original_name"] == "bao-cao.pdf" and "file" not in detail["documents"][0]

    codes = [c["code"] for c in detail["criteria"]]
    answer = province_api.post(
        f"/api/v1/ntm/requests/{pk}/appraisals",
        {"criterion": codes[0], "verdict": "returned", "reason": "Thiếu minh chứng"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["verdict"] == "returned"
    answer = province_api.post(f"/api/v1/ntm/requests/{pk}/return", {"reason": ""}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "returned"
    ps.respond(
        actor=commune_officer,
        request=request,
        criterion=request.criteria_set.criteria.get(code=codes[0]),
        response="Đã bổ sung",
    )
    assert commune_api.post(f"/api/v1/ntm/requests/{pk}/submit").status_code == 200
    for code in codes:
        answer = province_api.post(
            f"/api/v1/ntm/requests/{pk}/appraisals",
            {"criterion": code, "verdict": "passed"},
            content_type="application/json",
        )
        assert answer.status_code == 200
    assert province_api.post(f"/api/v1/ntm/requests/{pk}/propose").json()["status"] == "proposed"
    answer = province_api.post(
        f"/api/v1/ntm/requests/{pk}/decide",
        {"decision_no": "77/QĐ-UBND", "decision_date": "2026-11-20"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "recognized"
    assert answer.json()["recognition_id"] == RecognitionRequest.objects.get(pk=pk).recognition_id


def test_api_errors(unit, commune_officer, other_commune_officer, province_officer, other_province_officer):
    commune_api = _client(commune_officer)
    answer = commune_api.post(
        "/api/v1/ntm/requests",
        {"commune": THANH_YEN, "year": 2026, "target_level": "dat-chuan"},
        content_type="application/json",
    )
    assert answer.status_code == 403 and answer.json()["detail"]
    answer = commune_api.post(
        "/api/v1/ntm/requests",
        {"commune": THANH_NUA, "year": 2026, "target_level": "x" * 21},
        content_type="application/json",
    )
    assert answer.status_code == 400
    answer = commune_api.post(
        "/api/v1/ntm/requests",
        {"commune": THANH_NUA, "year": 2026, "target_level": "sieu-cap"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "Mức đăng ký" in answer.json()["detail"]
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    # another province and another commune: 404, nothing leaks
    assert _client(other_province_officer).get(f"/api/v1/ntm/requests/{request.pk}").status_code == 404
    assert _client(other_commune_officer).post(f"/api/v1/ntm/requests/{request.pk}/submit").status_code == 404
    assert commune_api.get("/api/v1/ntm/requests/999999").status_code == 404
    assert commune_api.get("/api/v1/ntm/requests", {"area": "x" * 21}).status_code == 400
    assert commune_api.get("/api/v1/ntm/requests", {"status": "nope"}).status_code == 400
    assert commune_api.get("/api/v1/ntm/requests", {"year": 99999}).status_code == 400
    # a step out of order: 400 with the reason
    answer = commune_api.post(f"/api/v1/ntm/requests/{request.pk}/submit")
    assert answer.status_code == 400 and "báo cáo tự đánh giá" in answer.json()["detail"]
    province_api = _client(province_officer)
    answer = province_api.post(
        f"/api/v1/ntm/requests/{request.pk}/appraisals",
        {"criterion": "khong-co", "verdict": "passed"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "khong-co" in answer.json()["detail"]
    answer = province_api.post(
        f"/api/v1/ntm/requests/{request.pk}/decide", {"decision_no": "1" * 61}, content_type="application/json"
    )
    assert answer.status_code == 400
    answer = commune_api.post(
        f"/api/v1/ntm/requests/{request.pk}/appraisals",
        {"criterion": "tc1", "verdict": "passed"},
        content_type="application/json",
    )
    assert answer.status_code in (400, 403)
    assert CriterionAppraisal.objects.filter(request=request, verdict="passed").count() == 0


# ---- the demo ----------------------------------------------------------------------------------------------------


def test_demo_procedure_is_loaded_through_the_services_and_idempotent(unit):
    from accounts.demo import demo_day, load_demo_users
    from ntm.demo import load_demo_ntm
    from ntm.demo_procedure import load_demo_procedure

    load_demo_users()
    load_demo_ntm()
    assert load_demo_procedure() == {"returned": 1, "submitted": 1}
    year = demo_day().year
    returned = RecognitionRequest.objects.get(commune=unit("2025:03358"), year=year)
    submitted = RecognitionRequest.objects.get(commune=unit("2025:03368"), year=year)
    assert ps.waiting_on(returned) == "commune" and returned.status == RequestStatus.RETURNED
    assert returned.appraisals.filter(verdict="returned").count() == 1 and returned.documents.count() == 2
    assert ps.waiting_on(submitted) == "province" and submitted.status == RequestStatus.SUBMITTED
    assert not Recognition.objects.filter(request__isnull=False).exists()  # no decision invented
    entries = AuditEntry.objects.count()
    assert load_demo_procedure() == {}
    assert AuditEntry.objects.count() == entries


def test_api_operations_never_answer_5xx(unit, commune_officer, province_officer, settings):
    """The bounded Schemathesis run of tests/security/test_api_fuzz.py, on this family's operations only, with a
    request in the database for the generated ids to meet now and then."""
    from collections import Counter

    from schemathesis.generation import GenerationMode

    from tests.security.test_api_fuzz import _fuzz_operation, _operations

    settings.RATE_LIMITS = []
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    _ready(commune_officer, request)
    failures, statuses = [], Counter()
    mine = [op for op in _operations() if op.path.startswith("/api/v1/ntm/requests")]
    assert len(mine) == 8
    for user in (commune_officer, province_officer):
        _token, key = issue_token(actor=user, name="fuzz")
        for operation in mine:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz_operation(
                    Client(raise_request_exception=False),
                    {"Authorization": f"Bearer {key}"},
                    operation,
                    mode,
                    failures,
                    statuses,
                )
    assert failures == []
    assert statuses[400] or statuses[422], statuses


def _todo(user):
    from ntm.todo import todo_items

    return [item["label"] for item in todo_items(user)]


def test_the_home_todo_list_says_who_must_act(
    unit, commune_officer, province_officer, other_province_officer, district_officer, django_assert_max_num_queries
):
    """The commune sees its unsent and returned requests; appraisers the ones waiting for them; deciders the
    proposed ones; Sơn La nothing of Điện Biên; a district's officer not the province's stage."""
    request = ps.register(actor=commune_officer, commune=unit(THANH_NUA), year=2026, target_level="dat-chuan")
    assert any("chưa nộp: Xã Thanh Nưa" in label for label in _todo(commune_officer))
    _ready(commune_officer, request)
    ps.submit(actor=commune_officer, request=request)
    assert not any("Hồ sơ đề nghị" in label for label in _todo(commune_officer))
    assert "1 hồ sơ đề nghị công nhận NTM năm 2026 chờ thẩm định" in _todo(province_officer)
    assert not any("hồ sơ đề nghị" in label for label in _todo(other_province_officer))
    assert not any("hồ sơ đề nghị" in label for label in _todo(district_officer))  # the province's stage
    first = request.appraisals.select_related("criterion").first()
    ps.appraise_criterion(
        actor=province_officer, request=request, criterion=first.criterion, verdict="returned", reason="Thiếu"
    )
    ps.return_request(actor=province_officer, request=request)
    assert any("bị trả lại, cần bổ sung: Xã Thanh Nưa" in label for label in _todo(commune_officer))
    ps.respond(actor=commune_officer, request=request, criterion=first.criterion, response="Đã bổ sung")
    ps.submit(actor=commune_officer, request=request)
    _pass_all(province_officer, request)
    ps.propose(actor=province_officer, request=request)
    labels = _todo(province_officer)
    assert "1 hồ sơ đề nghị công nhận NTM năm 2026 chờ quyết định" in labels
    assert not any("chờ thẩm định" in label for label in labels)
    with django_assert_max_num_queries(12):
        _todo(province_officer)
