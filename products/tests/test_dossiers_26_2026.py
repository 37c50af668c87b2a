"""Dossiers under 26/2026/QĐ-TTg (docs/dossiers-26-2026.md): kinds (Điều 6.1), Mẫu số 01 and 02 before filing, the
commune's receipt and its 15 working days (Điều 7.2), Mẫu số 03 before forwarding, the transition of Điều 12.2, the
printed forms as PDFs, and the pages (scope, bad input, constant queries)."""

import datetime
import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from certification.models import Certificate, Decision
from conftest import make_user
from core.audit_labels import ACTION_LABELS
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers import services as producer_services
from products import dossier_rules, workflow
from products.choices import DossierKind, DossierStatus
from products.dossier_forms import RegistrationForm
from products.models import Dossier, DossierDocument, ProductCategory
from products.services import create_product
from products.tests.helpers import MAU_01, MAU_02, MAU_03, fill_forms, mau_02_for, receive_and_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
D = datetime.date


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# ── Fixtures ───────────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def on_day(monkeypatch):
    """Sets the day every dossier date is taken from (products.workflow.today)."""

    def set_day(day):
        monkeypatch.setattr(workflow, "today", lambda: day)
        return day

    return set_day


@pytest.fixture
def food():
    return ProductCategory.objects.get(system="148", level="group", code="thuc-pham")


@pytest.fixture
def htx(unit, producer):
    obj = producer_services.create_producer(
        actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328")
    )
    obj.accounts.add(producer)
    return obj


@pytest.fixture
def dossier(htx, food, producer, commune_officer):
    idea = workflow.register_idea(
        actor=producer, producer=htx, product_name="Gạo tám Điện Biên", group=food, description="Gạo tám thơm."
    )
    return Dossier.objects.get(product=workflow.accept_idea(actor=commune_officer, idea=idea).product)


@pytest.fixture
def product(htx, food, unit):
    return create_product(actor=None, name="Mật ong hoa ban", producer=htx, group=food, location=unit("2025:03328"))


CERTIFIED_ON = D(2024, 6, 1)


def certify(product, unit, *, stars=3, on=CERTIFIED_ON, until=None, revoked_on=None):
    decision = Decision.objects.create(
        number=f"{product.pk}-{stars}-{on:%Y%m%d}/QĐ-UBND",
        date=on,
        kind="recognition",
        issuing_level="province",
        province=unit("2025:11"),
    )
    return Certificate.objects.create(
        product=product,
        decision=decision,
        stars=stars,
        valid_from=on,
        valid_until=until or D(on.year + 3, on.month, on.day),
        ended_on=revoked_on,
        end_reason="revoked" if revoked_on else "",
    )


def counts():
    return (Dossier.objects.count(), DossierDocument.objects.count(), AuditEntry.objects.count())


def actions_of(dossier):
    return list(
        AuditEntry.objects.filter(object_type="products.dossier", object_id=str(dossier.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def upload_mandatory(dossier, actor):
    """A document for each mandatory item of the dossier's kind still without one, through the service."""
    for item in workflow.missing_mandatory(dossier):
        workflow.upload_document(actor=actor, dossier=dossier, doc_type=item.code, uploaded=upload(f"{item.code}.pdf"))


def submitted(dossier, actor):
    fill_forms(dossier, actor)
    upload_mandatory(dossier, actor)
    workflow.submit_dossier(actor=actor, dossier=dossier)
    dossier.refresh_from_db()
    return dossier


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


# ── Which rules apply (Điều 12.2) ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("filed_on", "kind", "code", "deadline"),
    [
        (D(2026, 5, 21), "first", "2021-2025", D(2026, 7, 21)),  # 60 days from 22/05/2026, first day not counted
        (D(2026, 5, 21), "upgrade", "2021-2025", D(2026, 7, 21)),
        (D(2026, 5, 21), "rerating", "2021-2025", D(2026, 6, 21)),  # 30 days
        (D(2025, 11, 3), "first", "2021-2025", D(2026, 7, 21)),
        (D(2026, 5, 22), "first", "26-2026", None),  # the day 26/2026 takes effect
        (D(2026, 5, 22), "rerating", "26-2026", None),
        (None, "upgrade", "26-2026", None),  # not filed yet: filed from now on
    ],
)
def test_a_dossier_filed_before_22_05_2026_finishes_under_the_old_rules_within_60_or_30_days(
    filed_on, kind, code, deadline
):
    rules = dossier_rules.rules_for(filed_on, kind)
    assert (rules.code, rules.deadline) == (code, deadline)
    assert rules.is_current == (code == "26-2026")


def test_a_dossier_rated_before_22_05_2026_has_no_transition_deadline():
    assert dossier_rules.rules_for(D(2026, 3, 1), "first", decided_on=D(2026, 5, 21)).deadline is None
    assert dossier_rules.rules_for(D(2026, 3, 1), "first", decided_on=D(2026, 5, 22)).deadline == D(2026, 7, 21)


# ── The commune's 15 working days (Điều 7.2) ───────────────────────────────────────────────────────────────────────


def test_the_communes_deadline_is_the_15th_working_day_after_receipt():
    assert dossier_rules.commune_deadline(D(2026, 10, 5)) == D(2026, 10, 26)  # three plain weeks
    # received Monday 20/04/2026: Giỗ Tổ (observed 27/04), 30/04 and 01/05 push it three working days on
    assert dossier_rules.commune_deadline(D(2026, 4, 20)) == D(2026, 5, 14)
    # received Friday 22/01/2027: Tết 2027 (04/02–10/02) lies in the window
    assert dossier_rules.commune_deadline(D(2027, 1, 22)) == D(2027, 2, 19)


@pytest.mark.parametrize(
    ("today", "done_on", "state", "n", "text"),
    [
        (D(2026, 5, 13), None, "open", 1, "còn 1 ngày làm việc"),
        (D(2026, 4, 20), None, "open", 15, "còn 15 ngày làm việc"),
        (D(2026, 5, 14), None, "due-today", 0, "hôm nay là ngày cuối của thời hạn"),
        (D(2026, 5, 15), None, "overdue", 1, "quá hạn 1 ngày làm việc"),
        (D(2026, 5, 16), None, "overdue", 1, "quá hạn 1 ngày làm việc"),  # the Saturday after adds nothing
        (D(2026, 5, 18), None, "overdue", 2, "quá hạn 2 ngày làm việc"),
        (D(2026, 6, 1), D(2026, 5, 14), "met", 0, "đã xong trong thời hạn"),
        (D(2026, 6, 1), D(2026, 5, 18), "late", 2, "xong sau thời hạn 2 ngày làm việc"),
    ],
)
def test_the_deadline_reads_days_left_or_days_overdue_in_working_days(today, done_on, state, n, text):
    status = dossier_rules.deadline_status(D(2026, 5, 14), today, done_on=done_on)
    assert (status.state, status.working_days, status.text) == (state, n, text)


def test_a_deadline_passed_only_by_days_off_is_still_overdue():
    status = dossier_rules.deadline_status(D(2026, 12, 4), D(2026, 12, 6))  # Friday deadline, Sunday
    assert status.state == "overdue" and status.working_days == 0 and status.text == "đã quá hạn"


def test_the_rerating_window_is_180_to_120_days_before_the_certificate_ends():
    window = dossier_rules.rerating_window(D(2027, 12, 31))
    assert (window.opens_on, window.closes_on) == (D(2027, 7, 4), D(2027, 9, 2))
    assert window.contains(D(2027, 7, 4)) and window.contains(D(2027, 9, 2))
    assert not window.contains(D(2027, 7, 3)) and not window.contains(D(2027, 9, 3))


# ── Kinds (Điều 6.1) ───────────────────────────────────────────────────────────────────────────────────────────────


def test_an_accepted_idea_opens_a_first_rating_dossier(dossier):
    assert dossier.kind == DossierKind.FIRST
    assert workflow.rules_of(dossier).is_current


def test_a_first_rating_dossier_for_a_product_without_a_certificate(product, producer):
    dossier = workflow.open_dossier(actor=producer, product=product, kind="first")
    assert (dossier.kind, dossier.status) == ("first", "draft")
    entry = AuditEntry.objects.get(action="products.dossier.created", object_id=str(dossier.pk))
    assert entry.after["kind"] == "first" and entry.actor == producer


@pytest.mark.parametrize(
    ("kind", "certificate", "words"),
    [
        ("first", {"stars": 3}, "nâng hạng hoặc đánh giá lại"),
        ("upgrade", None, "còn hiệu lực"),
        ("upgrade", {"stars": 3, "on": D(2022, 6, 1)}, "còn hiệu lực"),  # expired on 01/06/2025
        ("upgrade", {"stars": 5}, "5 sao"),
        ("rerating", None, "lần đầu"),
        ("rerating", {"stars": 4, "revoked_on": D(2025, 1, 10)}, "Đã thu hồi"),
        ("", None, "Hãy chọn loại hồ sơ"),
        ("lan-dau", None, "Hãy chọn loại hồ sơ"),
    ],
)
def test_the_kind_must_fit_the_products_certificate(product, producer, unit, on_day, kind, certificate, words):
    on_day(D(2026, 12, 2))
    if certificate:
        certify(product, unit, **certificate)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.open_dossier(actor=producer, product=product, kind=kind)
    assert exc.value.field == "kind" and words in exc.value.message
    assert counts() == before


@pytest.mark.parametrize(
    ("kind", "certificate"),
    [
        ("upgrade", {"stars": 3}),
        ("upgrade", {"stars": 4}),
        ("rerating", {"stars": 4}),  # valid
        ("rerating", {"stars": 3, "on": D(2023, 12, 1)}),  # ends 01/12/2026: expiring
        ("rerating", {"stars": 3, "on": D(2023, 6, 1)}),  # expired on 01/06/2026
        ("first", {"stars": 3, "on": D(2022, 6, 1)}),  # expired long ago: rated anew
    ],
)
def test_upgrade_and_rerating_are_for_recognised_products(product, producer, unit, on_day, kind, certificate):
    on_day(D(2026, 12, 2))
    certify(product, unit, **certificate)
    assert workflow.open_dossier(actor=producer, product=product, kind=kind).kind == kind


def test_one_open_dossier_per_product(product, producer, commune_officer, unit, on_day):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=3)
    dossier = workflow.open_dossier(actor=producer, product=product, kind="upgrade")
    with pytest.raises(DomainError) as exc:
        workflow.open_dossier(actor=producer, product=product, kind="upgrade")
    assert exc.value.code == "dossier_open"
    workflow.upload_document(actor=producer, dossier=dossier, doc_type="upgrade-changes", uploaded=upload("vg.pdf"))
    submitted(dossier, producer)
    receive_and_report(dossier, commune_officer)
    workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert workflow.open_dossier(actor=producer, product=product, kind="rerating").kind == "rerating"


def test_only_those_who_prepare_dossiers_in_the_commune_open_one(
    product, other_commune_officer, province_officer, unit
):
    stranger = make_user("chuthe.khac", "producer", "2025:03328")
    before = counts()
    for actor in (stranger, other_commune_officer, province_officer):
        with pytest.raises(PermissionRefused):
            workflow.open_dossier(actor=actor, product=product, kind="first")
    assert counts() == before


def test_the_kind_decides_the_checklist(product, producer, unit, on_day):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=3)
    first = [i.code for i in workflow.checklist_for(product, "first")]
    upgrade = {i.code: i.mandatory for i in workflow.checklist_for(product, "upgrade")}
    rerating = {i.code: i.mandatory for i in workflow.checklist_for(product, "rerating")}
    assert "upgrade-changes" not in first and "rerating-periodic-tests" not in first
    assert upgrade["upgrade-changes"] and "rerating-periodic-tests" not in upgrade
    assert (
        rerating["rerating-periodic-tests"] and rerating["rerating-legal-papers"] and "upgrade-changes" not in rerating
    )
    assert not rerating["rerating-updates"]
    dossier = workflow.open_dossier(actor=producer, product=product, kind="upgrade")
    assert [i.code for i in workflow.missing_mandatory(dossier)] == [
        "business-plan",
        "organisation",
        "business-registration",
        "upgrade-changes",
    ]


def test_an_item_of_another_kind_cannot_be_uploaded(dossier, producer):
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.upload_document(actor=producer, dossier=dossier, doc_type="upgrade-changes", uploaded=upload("a.pdf"))
    assert exc.value.field == "doc_type" and "Đánh giá, phân hạng lần đầu" in exc.value.message
    assert counts() == before


@pytest.mark.parametrize(
    ("kind", "labels"),
    [
        ("upgrade", ["Tài liệu minh chứng về những thay đổi so với sản phẩm OCOP đã được công nhận"]),
        ("rerating", ["Các phiếu kiểm nghiệm định kỳ", "Minh chứng bổ sung các giấy tờ pháp lý có thời hạn"]),
    ],
)
def test_a_dossier_cannot_be_submitted_without_the_mandatory_documents_of_its_kind(
    product, producer, unit, on_day, kind, labels
):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=3)
    dossier = fill_forms(workflow.open_dossier(actor=producer, product=product, kind=kind), producer)
    for code in ("business-plan", "organisation", "business-registration"):
        workflow.upload_document(actor=producer, dossier=dossier, doc_type=code, uploaded=upload(f"{code}.pdf"))
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.submit_dossier(actor=producer, dossier=dossier)
    assert exc.value.code == "missing_documents"
    for label in labels:
        assert label in exc.value.message
    assert "Bản sao giấy đăng ký kinh doanh" not in exc.value.message  # only what is missing
    assert counts() == before
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_on is None
    upload_mandatory(dossier, producer)
    assert workflow.submit_dossier(actor=producer, dossier=dossier).status == DossierStatus.SUBMITTED


# ── Mẫu số 01 and 02 ───────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"ten_don_vi": "  "}, "ten_don_vi", "Tên đơn vị"),
        ({"email": "khong-phai-email"}, "email", "Email"),
        ({"nam": "hai nghìn"}, "nam", "Năm"),
        ({"phan_nhom": "14"}, "phan_nhom", "Nhóm sản phẩm đăng ký"),  # Rượu trắng: not under Thực phẩm
        ({"phan_nhom": ""}, "phan_nhom", "Nhóm sản phẩm đăng ký"),
        ({"so_luong_mau": -1}, "so_luong_mau", "Sản phẩm mẫu"),
        ({"ngay_ky": "31/02/2026"}, "ngay_ky", "Ngày ký"),
    ],
)
def test_the_registration_form_is_checked_field_by_field(dossier, producer, changes, field, words):
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.save_registration_form(actor=producer, dossier=dossier, data={**MAU_01, **changes})
    assert exc.value.field == field and words in exc.value.message
    assert counts() == before
    dossier.refresh_from_db()
    assert dossier.registration_form == {}


def test_the_registration_form_is_stored_as_printed_and_saving_it_unchanged_writes_nothing(dossier, producer):
    workflow.save_registration_form(actor=producer, dossier=dossier, data=MAU_01)
    dossier.refresh_from_db()
    assert dossier.registration_form["phan_nhom"] == "03" and dossier.registration_form["ngay_ky"] == "2026-12-01"
    assert set(dossier.registration_form) == set(RegistrationForm.base_fields)
    before = counts()
    workflow.save_registration_form(actor=producer, dossier=dossier, data=MAU_01)
    assert counts() == before
    entry = AuditEntry.objects.get(action="products.dossier.registration_form_saved")
    assert entry.before == {"mau-01": {}} and entry.after["mau-01"]["ten_don_vi"] == "HTX Thanh Nưa"


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("upgrade", "thay_doi_nang_hang"), ("rerating", "cap_nhat_kiem_nghiem"), ("rerating", "cap_nhat_doanh_thu")],
)
def test_the_self_assessment_asks_what_the_kind_adds(product, producer, unit, on_day, kind, missing):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=3)
    dossier = workflow.open_dossier(actor=producer, product=product, kind=kind)
    data = mau_02_for(kind)
    del data[missing]
    with pytest.raises(DomainError) as exc:
        workflow.save_self_assessment(actor=producer, dossier=dossier, data=data)
    assert exc.value.field == missing
    workflow.save_self_assessment(actor=producer, dossier=dossier, data=mau_02_for(kind))
    dossier.refresh_from_db()
    assert dossier.self_assessment[missing]


def test_a_first_rating_self_assessment_keeps_only_its_own_fields(dossier, producer):
    workflow.save_self_assessment(actor=producer, dossier=dossier, data=mau_02_for("rerating"))
    dossier.refresh_from_db()
    assert "cap_nhat_doanh_thu" not in dossier.self_assessment and "thay_doi_nang_hang" not in dossier.self_assessment
    assert dossier.self_assessment["co_giay_dkkd"] is True and dossier.self_assessment["shtt_chi_dan"] is False


@pytest.mark.parametrize("missing", ["mau-01", "mau-02"])
def test_a_dossier_cannot_be_submitted_without_both_forms(dossier, producer, missing):
    upload_mandatory(dossier, producer)
    if missing != "mau-01":
        workflow.save_registration_form(actor=producer, dossier=dossier, data=MAU_01)
    if missing != "mau-02":
        workflow.save_self_assessment(actor=producer, dossier=dossier, data=MAU_02)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.submit_dossier(actor=producer, dossier=dossier)
    assert exc.value.field == missing and exc.value.code == "form_missing"
    assert ("Mẫu số 01" if missing == "mau-01" else "Mẫu số 02") in exc.value.message
    assert counts() == before
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_on is None


def test_the_forms_cannot_be_changed_once_submitted(dossier, producer, commune_officer):
    submitted(dossier, producer)
    before = counts()
    for save in (workflow.save_registration_form, workflow.save_self_assessment):
        with pytest.raises(DomainError) as exc:
            save(actor=producer, dossier=dossier, data=MAU_01)
        assert exc.value.code == "wrong_state"
    assert counts() == before


def test_submitting_records_the_filing_date_and_resubmitting_keeps_the_first(
    dossier, producer, commune_officer, on_day
):
    on_day(D(2026, 12, 2))
    submitted(dossier, producer)
    assert (dossier.submitted_on, dossier.first_submitted_on, dossier.received_on) == (
        D(2026, 12, 2),
        D(2026, 12, 2),
        None,
    )
    on_day(D(2026, 12, 3))
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="Thiếu phiếu kiểm nghiệm.")
    on_day(D(2026, 12, 9))
    workflow.submit_dossier(actor=producer, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.submitted_on, dossier.first_submitted_on) == (D(2026, 12, 9), D(2026, 12, 2))
    assert dossier.received_on is None and dossier.received_by is None  # to be received again


# ── The commune: receipt, Mẫu số 03, forwarding ────────────────────────────────────────────────────────────────────


def test_the_commune_records_the_receipt_and_its_deadline_runs_from_it(dossier, producer, commune_officer, on_day):
    on_day(D(2027, 4, 19))
    submitted(dossier, producer)
    workflow.record_receipt(actor=commune_officer, dossier=dossier, receipt_no=" 01-2027/PĐK-11-03328 ")
    dossier.refresh_from_db()
    assert (dossier.received_on, dossier.received_by, dossier.receipt_no) == (
        D(2027, 4, 19),
        commune_officer,
        "01-2027/PĐK-11-03328",
    )
    # 15 working days over 30/04 and 03/05/2027 (1/5 falls on a Saturday): 12/05/2027, not 10/05
    status = workflow.commune_deadline_of(dossier, D(2027, 5, 13))
    assert (status.deadline, status.state, status.working_days) == (D(2027, 5, 12), "overdue", 1)
    assert workflow.commune_deadline_of(dossier, D(2027, 5, 12)).state == "due-today"
    assert actions_of(dossier)[-1] == "products.dossier.received"


@pytest.mark.parametrize(
    ("received_on", "words"),
    [(D(2026, 12, 1), "trước ngày chủ thể nộp"), (D(2026, 12, 3), "sau hôm nay")],
)
def test_the_receipt_lies_between_filing_and_today(dossier, producer, commune_officer, on_day, received_on, words):
    on_day(D(2026, 12, 2))
    submitted(dossier, producer)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.record_receipt(actor=commune_officer, dossier=dossier, received_on=received_on)
    assert exc.value.field == "received_on" and words in exc.value.message
    assert counts() == before


def test_the_receipt_is_the_communes_once_and_only_for_a_filed_dossier(
    dossier, producer, commune_officer, other_commune_officer
):
    with pytest.raises(DomainError) as exc:
        workflow.record_receipt(actor=commune_officer, dossier=dossier)
    assert exc.value.code == "wrong_state"
    submitted(dossier, producer)
    for actor in (producer, other_commune_officer):
        with pytest.raises(PermissionRefused):
            workflow.record_receipt(actor=actor, dossier=dossier)
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    with pytest.raises(DomainError) as exc:
        workflow.record_receipt(actor=commune_officer, dossier=dossier)
    assert exc.value.field == "received_on"


def test_the_report_is_written_by_the_commune_after_receipt(dossier, producer, commune_officer, on_day):
    on_day(D(2026, 12, 2))
    submitted(dossier, producer)
    with pytest.raises(DomainError) as exc:
        workflow.save_commune_report(actor=commune_officer, dossier=dossier, data=MAU_03)
    assert exc.value.field == "received_on"
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    with pytest.raises(PermissionRefused):
        workflow.save_commune_report(actor=producer, dossier=dossier, data=MAU_03)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.save_commune_report(actor=commune_officer, dossier=dossier, data={**MAU_03, "lao_dong": ""})
    assert exc.value.field == "lao_dong" and "lao động địa phương" in exc.value.message
    assert counts() == before
    on_day(D(2026, 12, 4))
    workflow.save_commune_report(actor=commune_officer, dossier=dossier, data=MAU_03)
    dossier.refresh_from_db()
    assert dossier.commune_report["ban_sac"].startswith("Giống lúa tám") and dossier.commune_report_on == D(2026, 12, 4)


def test_forwarding_requires_the_receipt_and_the_report(dossier, producer, commune_officer, on_day):
    on_day(D(2026, 12, 2))
    submitted(dossier, producer)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert exc.value.code == "report_missing" and exc.value.field == "received_on"
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert exc.value.code == "report_missing" and "Mẫu số 03" in exc.value.message
    assert counts() == before
    workflow.save_commune_report(actor=commune_officer, dossier=dossier, data=MAU_03)
    on_day(D(2026, 12, 23))
    forwarded = workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert (forwarded.status, forwarded.forwarded_on) == (DossierStatus.FORWARDED, D(2026, 12, 23))
    status = workflow.commune_deadline_of(forwarded, D(2027, 1, 10))
    assert (status.deadline, status.state) == (D(2026, 12, 23), "met")


def test_a_dossier_filed_before_22_05_2026_finishes_without_the_new_forms(dossier, producer, commune_officer):
    for code in ("business-plan", "organisation", "business-registration"):
        workflow.upload_document(actor=producer, dossier=dossier, doc_type=code, uploaded=upload(f"{code}.pdf"))
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.SUBMITTED, submitted_on=D(2026, 5, 20), first_submitted_on=D(2026, 5, 20)
    )
    dossier.refresh_from_db()
    rules = workflow.rules_of(dossier)
    assert (rules.code, rules.deadline) == ("2021-2025", D(2026, 7, 21))
    workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="Bổ sung")
    workflow.submit_dossier(actor=producer, dossier=dossier)  # no Mẫu 01/02 asked
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    dossier.refresh_from_db()
    assert workflow.commune_deadline_of(dossier) is None  # no 15 working days under the old rules
    assert workflow.forward_dossier(actor=commune_officer, dossier=dossier).status == DossierStatus.FORWARDED


def test_the_migration_backfills_filing_and_forwarding_dates_from_the_audit_log(dossier, producer, commune_officer):
    submitted(dossier, producer)
    receive_and_report(dossier, commune_officer)
    workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    day = workflow.today()
    Dossier.objects.filter(pk=dossier.pk).update(submitted_on=None, first_submitted_on=None, forwarded_on=None)
    migration = importlib.import_module("products.migrations.0004_dossier_26_2026")
    migration.backfill_dates(apps, None)
    dossier.refresh_from_db()
    assert (dossier.first_submitted_on, dossier.submitted_on, dossier.forwarded_on) == (day, day, day)


# ── Pages ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_the_dossier_page_shows_kind_rules_and_deadline_to_commune_and_province(
    client, dossier, producer, commune_officer, province_officer, on_day
):
    on_day(D(2027, 4, 19))
    submitted(dossier, producer)
    workflow.record_receipt(actor=commune_officer, dossier=dossier)
    on_day(D(2027, 5, 7))
    for user in (commune_officer, province_officer):
        client.force_login(user)
        body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
        assert "Đánh giá, phân hạng lần đầu" in body and "Quyết định số 26/2026/QĐ-TTg" in body
        assert "12/05/2027 — còn 3 ngày làm việc" in body
    on_day(D(2027, 5, 17))
    body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
    assert "12/05/2027 — quá hạn 3 ngày làm việc" in body


def test_the_dossier_page_shows_the_transition_deadline(client, dossier, commune_officer):
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.SUBMITTED, submitted_on=D(2026, 5, 20), first_submitted_on=D(2026, 5, 20)
    )
    client.force_login(commune_officer)
    body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
    assert "giai đoạn 2021 – 2025" in body and "Điều 12 khoản 2" in body and "21/07/2026" in body


def test_the_rerating_page_shows_the_filing_window(client, product, producer, unit, on_day):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=4, on=D(2024, 6, 1))  # last valid day 01/06/2027
    dossier = workflow.open_dossier(actor=producer, product=product, kind="rerating")
    client.force_login(producer)
    body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
    assert "từ 03/12/2026 đến 01/02/2027" in body and "01/06/2027" in body


def test_filling_in_a_form_in_the_browser(client, dossier, producer):
    client.force_login(producer)
    url = f"/ideas/dossiers/{dossier.pk}/forms/mau-01/"
    body = client.get(url).content.decode()
    assert "HTX Thanh Nưa" in body and "Gạo, ngũ cốc, hạt sơ chế khác" in body  # prefilled, the 26/2026 phân nhóm
    assert 'value="Điện Biên"' in body and 'value="Gạo tám Điện Biên"' in body
    response = client.post(url, {**MAU_01, "dien_thoai": "", "email": "x@"})
    body = response.content.decode()
    assert response.status_code == 400 and body.count("invalid-feedback") >= 2 and "Biểu mẫu còn lỗi" in body
    dossier.refresh_from_db()
    assert dossier.registration_form == {}
    response = client.post(url, MAU_01)
    assert response.status_code == 302 and response["Location"] == f"/ideas/dossiers/{dossier.pk}/"
    dossier.refresh_from_db()
    assert dossier.registration_form["nam"] == 2026
    # the phân nhóm registered in Mẫu 01 classifies the product under the law in force: its round finds the sheet
    subgroup = dossier.product.subgroup
    assert (subgroup.system, subgroup.code) == ("2026", MAU_01["phan_nhom"])
    assert AuditEntry.objects.filter(action="products.product.updated", object_id=str(dossier.product_id)).exists()
    # as a browser posts it: ticked boxes as "on", unticked ones absent
    posted = {k: "on" if v is True else v for k, v in MAU_02.items() if v is not False}
    del posted["da_cong_bo_chat_luong"]
    response = client.post(f"/ideas/dossiers/{dossier.pk}/forms/mau-02/", posted)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.self_assessment["co_giay_dkkd"] is True and dossier.self_assessment["da_cong_bo_chat_luong"] is False


def test_the_report_page_is_the_communes_after_receipt(client, dossier, producer, commune_officer):
    submitted(dossier, producer)
    client.force_login(commune_officer)
    url = f"/ideas/dossiers/{dossier.pk}/forms/mau-03/"
    assert client.get(url).status_code == 302  # not received yet: back to the dossier with a message
    response = client.post(f"/ideas/dossiers/{dossier.pk}/receive/", {"received_on": "2020-01-01", "receipt_no": ""})
    assert response.status_code == 400 and "trước ngày chủ thể nộp" in response.content.decode()
    response = client.post(
        f"/ideas/dossiers/{dossier.pk}/receive/", {"received_on": workflow.today().isoformat(), "receipt_no": "07"}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Gạo tám Điện Biên" in body and "Lò Văn Thưởng" in body  # prefilled from Mẫu 02
    assert client.post(url, MAU_03).status_code == 302
    client.force_login(producer)
    assert client.get(url).status_code == 302
    assert client.post(url, {**MAU_03, "ban_sac": "Sửa"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.commune_report["ban_sac"] == MAU_03["ban_sac"]


def test_the_three_forms_as_pdfs_read_back(client, dossier, producer, commune_officer, province_officer):
    submitted(dossier, producer)
    receive_and_report(dossier, commune_officer)
    client.force_login(province_officer)
    expected = {
        "mau-01": [
            "Mẫu số 01",
            "PHIẾU ĐĂNG KÝ",
            "của tỉnh Điện Biên năm 2026",
            "Tên đơn vị: HTX Thanh Nưa",
            "Thực phẩm; Thực phẩm thô, sơ chế; Gạo, ngũ cốc, hạt sơ chế khác",
            "Sản phẩm mẫu (số lượng): 5",
            "Thanh Nưa, ngày 01 tháng 12 năm 2026",
            "Phiếu số: 01-2026/PĐK-11-03328",
            "DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH",
        ],
        "mau-02": [
            "Mẫu số 02",
            "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM",
            "1. Tên chủ thể: HTX Thanh Nưa",
            "Dân tộc: Thái",
            "6. Ngày thành lập/đăng ký kinh doanh: 12/03/2015",
            "Doanh thu 2,1 tỷ đồng",
            "Phần A: 32 điểm",
            "Bản sao giấy đăng ký kinh doanh",
            "business-registration.pdf",
            "Mở rộng vùng nguyên liệu lên 30 ha.",
        ],
        "mau-03": [
            "Mẫu số 03",
            "ỦY BAN NHÂN DÂN",
            "XÃ THANH NƯA",
            "I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM",
            "1. Về sử dụng nguyên liệu địa phương:",
            "15 lao động thường xuyên",
            "Ủy ban nhân dân xã Thanh Nưa đề nghị Ủy ban nhân dân tỉnh Điện Biên đánh giá, phân hạng sản phẩm OCOP "
            "cho sản phẩm Gạo tám Điện Biên của HTX Thanh Nưa.",
            "T.M ỦY BAN NHÂN DÂN XÃ THANH NƯA",
        ],
    }
    for code, words in expected.items():
        response = client.get(f"/ideas/dossiers/{dossier.pk}/forms/{code}/pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        text = pdf_text(response.content)
        for word in words:
            assert word in text, (code, word)
    text = pdf_text(client.get(f"/ideas/dossiers/{dossier.pk}/forms/mau-01/pdf/").content)
    assert "Lần đầu ☒" in text and "Nâng hạng: ☐" in text and "Đánh giá lại: ☐" in text  # the dossier's kind


def test_a_pdf_needs_the_form_filled_and_the_dossier_in_scope(client, dossier, producer, other_commune_officer):
    client.force_login(producer)
    assert client.get(f"/ideas/dossiers/{dossier.pk}/forms/mau-01/pdf/").status_code == 404
    assert client.get(f"/ideas/dossiers/{dossier.pk}/forms/mau-09/pdf/").status_code == 404
    fill_forms(dossier, producer)
    assert client.get(f"/ideas/dossiers/{dossier.pk}/forms/mau-01/pdf/").status_code == 200
    client.force_login(other_commune_officer)
    for url in (
        f"/ideas/dossiers/{dossier.pk}/forms/mau-01/pdf/",
        f"/ideas/dossiers/{dossier.pk}/forms/mau-01/",
        f"/ideas/dossiers/{dossier.pk}/receive/",
    ):
        assert client.get(url).status_code in (404, 405)
    assert client.post(f"/ideas/dossiers/{dossier.pk}/receive/", {}).status_code == 404
    assert client.post(f"/ideas/dossiers/{dossier.pk}/forms/mau-03/", MAU_03).status_code == 404


def test_opening_a_dossier_from_the_product_page(client, product, producer, unit, on_day):
    on_day(D(2026, 12, 2))
    certify(product, unit, stars=3)
    client.force_login(producer)
    body = client.get(f"/products/{product.pk}/").content.decode()
    assert 'data-testid="open-dossier-form"' in body
    response = client.post(f"/ideas/products/{product.pk}/dossiers/new/", {"kind": "first"}, follow=True)
    assert "nâng hạng hoặc đánh giá lại" in response.content.decode() and not Dossier.objects.exists()
    response = client.post(f"/ideas/products/{product.pk}/dossiers/new/", {"kind": "upgrade"})
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ideas/dossiers/{dossier.pk}/" and dossier.kind == "upgrade"
    body = client.get(f"/products/{product.pk}/").content.decode()
    assert f"/ideas/dossiers/{dossier.pk}/" in body and "Đánh giá, nâng hạng" in body


def list_queries(client, url="/ideas/dossiers/"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def test_the_dossier_list_filters_by_kind_and_runs_a_constant_number_of_queries(
    client, commune_officer, htx, food, unit, on_day, django_assert_num_queries
):
    on_day(D(2026, 12, 2))

    def make(n, kind):
        product = create_product(
            actor=None, name=f"Sản phẩm {n}", producer=htx, group=food, location=unit("2025:03328")
        )
        if kind != "first":
            certify(product, unit, stars=3)
        dossier = workflow.open_dossier(actor=commune_officer, product=product, kind=kind)
        if n % 2:
            submitted(dossier, commune_officer)
            workflow.record_receipt(actor=commune_officer, dossier=dossier)
        return dossier

    make(0, "first")
    client.force_login(commune_officer)
    client.get("/ideas/dossiers/")  # warm the session
    one, _ = list_queries(client)
    for n in range(1, 12):
        make(n, ["first", "upgrade", "rerating"][n % 3])
    many, body = list_queries(client)
    assert many == one
    assert body.count('data-testid="row-deadline"') == 12 and "còn 15 ngày làm việc" in body
    with django_assert_num_queries(one):
        client.get("/ideas/dossiers/?kind=rerating")
    body = client.get("/ideas/dossiers/?kind=rerating", headers={"HX-Request": "true"}).content.decode()
    assert body.count('data-testid="row-deadline"') == 4 and "<html" not in body


def test_the_product_pages_dossier_table_runs_a_constant_number_of_queries(
    client, product, producer, commune_officer, unit, on_day
):
    on_day(D(2026, 12, 2))
    client.force_login(producer)
    workflow.open_dossier(actor=producer, product=product, kind="first")
    client.get(f"/products/{product.pk}/")  # warm the session
    one, _ = list_queries(client, f"/products/{product.pk}/")
    Dossier.objects.update(status=DossierStatus.FORWARDED)
    certify(product, unit, stars=3)
    workflow.open_dossier(actor=producer, product=product, kind="upgrade")
    Dossier.objects.update(status=DossierStatus.FORWARDED)
    workflow.open_dossier(actor=producer, product=product, kind="rerating")
    many, body = list_queries(client, f"/products/{product.pk}/")
    assert body.count("/ideas/dossiers/") == 3
    assert many == one


def test_the_kinds_data_file_must_name_exactly_the_three_kinds(tmp_path):
    text = dossier_rules.KINDS_PATH.read_text(encoding="utf-8")
    path = tmp_path / "kinds.yaml"
    path.write_text(text.replace("rerating: 30", "lai: 30"), encoding="utf-8")
    with pytest.raises(ValueError):
        dossier_rules.load_kind_rules.__wrapped__(path)
    path.write_text(text.replace("working_days: 15", "working_days: 0"), encoding="utf-8")
    with pytest.raises(ValueError):
        dossier_rules.load_kind_rules.__wrapped__(path)
    assert dossier_rules.load_kind_rules.__wrapped__(dossier_rules.KINDS_PATH).commune_working_days == 15


# ── The province on a forwarded dossier (Điều 7.3) ─────────────────────────────────────────────────────────────────


def forwarded(dossier, producer, officer):
    submitted(dossier, producer)
    receive_and_report(dossier, officer)
    workflow.forward_dossier(actor=officer, dossier=dossier)
    dossier.refresh_from_db()
    return dossier


def open_round(officer, unit, criteria_set, title="Đợt 2/2026", province="2025:11"):
    from evaluation import council

    return council.create_round(
        actor=officer,
        province=unit(province),
        title=title,
        starts_on=D(2026, 12, 1),
        ends_on=D(2026, 12, 30),
        criteria_set=criteria_set,
    )


def set_without_sheets(code="TRONG"):
    from evaluation.models import CriteriaSet

    return CriteriaSet.objects.create(
        code=code, system="148", title="Bộ chưa có phiếu", decision="thử", valid_from=D(2023, 2, 24), status="published"
    )


def section(body, testid):
    match = re.search(rf'<section class="mb-4" data-testid="{testid}">(.*?)</section>', body, re.S)
    return match.group(1) if match else ""


def test_the_province_sees_the_forwarded_dossier_its_forms_documents_history_and_how_to_put_it_in_a_round(
    client, dossier, producer, commune_officer, province_officer, on_day
):
    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    client.force_login(province_officer)
    body = client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()
    for code in ("mau-01", "mau-02", "mau-03"):
        assert f'data-testid="pdf-{code}"' in body
    document = dossier.documents.get(doc_type="business-registration")
    assert f"/ideas/documents/{document.pk}/" in body
    history = body[body.index('id="history"') :]
    for action in ("products.dossier.submitted", "products.dossier.received", "products.dossier.forwarded"):
        assert str(ACTION_LABELS[action]) in history
    province = section(body, "province-actions")
    assert 'data-testid="no-open-round"' in province and 'href="/evaluation/new/"' in province
    assert 'data-testid="submit-form"' not in body and 'data-testid="forward-dossier"' not in body
    for user in (producer, commune_officer):  # nothing of the province's to them
        client.force_login(user)
        assert 'data-testid="province-actions"' not in client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()


def test_the_province_puts_the_forwarded_product_in_an_open_round_from_the_dossier_page(
    client, dossier, producer, commune_officer, province_officer, unit, on_day
):
    from evaluation.council_models import RoundItem
    from evaluation.tests.scoring_setup import build_set

    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    rnd = open_round(province_officer, unit, build_set())
    no_sheet = open_round(province_officer, unit, set_without_sheets(), title="Đợt thử bộ chưa có phiếu")
    client.force_login(province_officer)
    url = f"/ideas/dossiers/{dossier.pk}/"
    province = section(client.get(url).content.decode(), "province-actions")
    assert f'data-testid="open-round-{rnd.pk}"' in province and "Đưa vào đợt chấm “Đợt 2/2026”" in province
    assert f'href="/evaluation/{no_sheet.pk}/" data-testid="pick-sheet"' in province  # the round page picks the sheet

    response = client.post(f"{url}rounds/", {"round": rnd.pk}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    body = response.content.decode()
    assert "Đã đưa sản phẩm vào đợt “Đợt 2/2026”" in body
    item = RoundItem.objects.get(product=dossier.product)
    assert item.evaluation_round == rnd
    assert AuditEntry.objects.filter(action="evaluation.item.added", object_id=str(item.pk)).count() == 1
    province = section(body, "province-actions")
    assert f'href="/evaluation/{rnd.pk}/"' in province and f'href="/evaluation/items/{item.pk}/advisory/"' in province
    assert 'data-testid="add-to-round"' not in province  # before a council now: nothing more to place
    assert client.get(f"/evaluation/items/{item.pk}/advisory/").status_code == 200  # where additions are asked for


def test_only_the_province_office_of_the_product_puts_a_forwarded_dossier_in_one_of_its_open_rounds(
    client, dossier, producer, commune_officer, province_officer, other_province_officer, unit, on_day
):
    from evaluation.council_models import RoundItem, RoundStatus
    from evaluation.tests.scoring_setup import build_set

    on_day(D(2026, 12, 2))
    criteria_set = build_set()
    rnd = open_round(province_officer, unit, criteria_set)
    before = counts()
    with pytest.raises(DomainError) as exc:  # not forwarded yet
        workflow.add_to_round(actor=province_officer, dossier=dossier, evaluation_round=rnd)
    assert exc.value.code == "wrong_state" and counts() == before
    forwarded(dossier, producer, commune_officer)
    sonla = open_round(other_province_officer, unit, criteria_set, title="Đợt Sơn La", province="2025:14")
    before = counts(), RoundItem.objects.count()
    for actor in (commune_officer, producer, other_province_officer):
        with pytest.raises(PermissionRefused):
            workflow.add_to_round(actor=actor, dossier=dossier, evaluation_round=rnd)
    with pytest.raises(DomainError) as exc:
        workflow.add_to_round(actor=province_officer, dossier=dossier, evaluation_round=sonla)
    assert exc.value.field == "round" and "Tỉnh Sơn La" in exc.value.message
    type(rnd).objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED)
    rnd.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        workflow.add_to_round(actor=province_officer, dossier=dossier, evaluation_round=rnd)
    assert "đã kết thúc" in exc.value.message
    assert (counts(), RoundItem.objects.count()) == before
    # through the page: a round out of reach is answered with a message, nothing is written
    client.force_login(province_officer)
    response = client.post(f"/ideas/dossiers/{dossier.pk}/rounds/", {"round": sonla.pk}, follow=True)
    assert "Hãy chọn một đợt đánh giá của tỉnh" in response.content.decode()
    client.force_login(commune_officer)
    response = client.post(f"/ideas/dossiers/{dossier.pk}/rounds/", {"round": rnd.pk}, follow=True)
    assert "Hãy chọn một đợt đánh giá của tỉnh" in response.content.decode()
    assert (counts(), RoundItem.objects.count()) == before


def test_the_province_block_runs_a_constant_number_of_queries_whatever_the_open_rounds(
    client, dossier, producer, commune_officer, province_officer, unit, on_day
):
    from evaluation.tests.scoring_setup import build_set

    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    criteria_set = build_set()
    open_round(province_officer, unit, criteria_set, title="Đợt 0")
    client.force_login(province_officer)
    url = f"/ideas/dossiers/{dossier.pk}/"
    client.get(url)  # warm the session
    one, _ = list_queries(client, url)
    for n in range(1, 6):
        open_round(province_officer, unit, criteria_set, title=f"Đợt {n}")
    many, body = list_queries(client, url)
    assert body.count('data-testid="add-to-round"') == 6
    assert many == one


def test_the_province_asks_the_commune_and_producer_to_complete_a_forwarded_dossier(
    client, dossier, producer, commune_officer, province_officer, on_day
):
    from notifications.models import Notification

    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    url = f"/ideas/dossiers/{dossier.pk}/"
    client.force_login(province_officer)
    assert 'data-testid="province-return-form"' in section(client.get(url).content.decode(), "province-actions")

    before = counts()
    response = client.post(f"{url}province-return/", {"reason": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hãy ghi rõ hồ sơ cần hoàn thiện" in body and "is-invalid" in body
    assert counts() == before and Dossier.objects.get(pk=dossier.pk).status == DossierStatus.FORWARDED
    for actor in (producer, commune_officer):
        with pytest.raises(PermissionRefused):
            workflow.return_to_commune(actor=actor, dossier=dossier, reason="Thiếu phiếu kiểm nghiệm.")
    assert counts() == before

    reason = "Phiếu kết quả kiểm nghiệm đã quá 12 tháng, đề nghị bổ sung phiếu mới."
    response = client.post(f"{url}province-return/", {"reason": reason}, follow=True)
    assert "Đã yêu cầu hoàn thiện hồ sơ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROVINCE_RETURNED and dossier.return_reason == reason
    assert AuditEntry.objects.filter(action="products.dossier.province_returned", object_id=str(dossier.pk)).exists()
    told = set(
        Notification.objects.filter(kind="products.dossier.province_returned").values_list("user__pk", flat=True)
    )
    assert told == {producer.pk, commune_officer.pk}

    client.force_login(producer)  # the reason on the dossier, a to-do at home, and the dossier editable again
    body = client.get(url).content.decode()
    assert "Tỉnh yêu cầu hoàn thiện hồ sơ:" in body and reason in body
    assert "tỉnh yêu cầu hoàn thiện" in client.get("/").content.decode()
    assert "submit" in workflow.dossier_actions(producer, dossier)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.received_on is None  # the commune receives it anew


def test_the_province_cannot_send_back_a_dossier_whose_product_is_before_a_council(
    client, dossier, producer, commune_officer, province_officer, unit, on_day
):
    from evaluation.tests.scoring_setup import build_set

    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    rnd = open_round(province_officer, unit, build_set())
    workflow.add_to_round(actor=province_officer, dossier=dossier, evaluation_round=rnd)
    before = counts()
    with pytest.raises(DomainError) as exc:
        workflow.return_to_commune(actor=province_officer, dossier=dossier, reason="Thiếu giấy tờ.")
    assert exc.value.code == "in_round" and "Tổ tư vấn" in exc.value.message and counts() == before
    client.force_login(province_officer)
    assert 'data-testid="province-return-form"' not in client.get(f"/ideas/dossiers/{dossier.pk}/").content.decode()


def test_the_dossier_shows_what_came_of_it_once_the_decision_is_recorded(
    client, dossier, producer, commune_officer, unit, on_day
):
    on_day(D(2026, 12, 2))
    forwarded(dossier, producer, commune_officer)
    url = f"/ideas/dossiers/{dossier.pk}/"
    client.force_login(producer)
    assert 'data-testid="dossier-outcome"' not in client.get(url).content.decode()
    certify(dossier.product, unit, stars=3, on=D(2024, 6, 1))  # an earlier certificate is not this dossier's outcome
    assert 'data-testid="dossier-outcome"' not in client.get(url).content.decode()
    certificate = certify(dossier.product, unit, stars=4, on=D(2026, 12, 2))
    body = client.get(url).content.decode()
    assert "Sản phẩm OCOP 4 sao, Quyết định số" in body and f'href="/verify/{certificate.code}/"' in body
    assert client.get(f"/register/certificates/{certificate.code}.pdf").status_code == 200
