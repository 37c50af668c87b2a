"""Every workflow step tells the right people, and nobody outside the area: ideas, dossiers, the council, decisions,
NTM assessments. The actor is never told about their own step; a step that happens again is told again."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from evaluation import council, proposals
from evaluation.tests.scoring_setup import build_round, score, score_all
from notifications import events
from notifications.models import Notification
from ntm import services as ntm_services
from producers import services as producer_services
from products import services as product_services
from products import workflow
from products.models import ProductCategory
from products.tests.helpers import fill_forms, receive_and_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MANDATORY = ["business-plan", "organisation", "business-registration"]


def told(kind=None):
    """{(username, kind)} of every notification (of `kind`)."""
    qs = Notification.objects.select_related("user")
    if kind:
        qs = qs.filter(kind=kind)
    return {(n.user.username, n.kind) for n in qs}


def users_told(kind):
    return {n.user.username for n in Notification.objects.filter(kind=kind).select_related("user")}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def people(province_officer, other_province_officer, commune_officer, other_commune_officer, producer):
    """Everyone of the conftest personas, so each test can check who was not told."""
    return {
        "tinh": province_officer,
        "tinh.sonla": other_province_officer,
        "xa": commune_officer,
        "xa.khac": other_commune_officer,
        "chuthe": producer,
    }


@pytest.fixture
def htx(unit, producer):
    obj = producer_services.create_producer(
        actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328")
    )
    obj.accounts.add(producer)
    return obj


@pytest.fixture
def idea(people, producer, htx):
    return workflow.register_idea(
        actor=producer,
        producer=htx,
        product_name="Gạo tám Điện Biên",
        group=ProductCategory.objects.get(system="148", level="group", code="thuc-pham"),
        description="Gạo tám thơm trồng ở cánh đồng Mường Thanh.",
    )


# ── Ideas ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_new_idea_is_told_to_the_commune_officers_of_its_commune_only(idea):
    assert told() == {("xa", "products.idea.submitted")}
    note = Notification.objects.get()
    assert "Gạo tám Điện Biên" in note.title and "HTX Thanh Nưa" in note.body
    assert note.url == f"/ideas/{idea.pk}/"


def test_returned_resubmitted_and_accepted_ideas_reach_the_producer_and_the_commune(idea, producer, commune_officer):
    workflow.return_idea(actor=commune_officer, idea=idea, reason="Ghi rõ vùng nguyên liệu.")
    returned = Notification.objects.get(kind="products.idea.returned")
    assert returned.user == producer and "Ghi rõ vùng nguyên liệu." in returned.body
    workflow.resubmit_idea(actor=producer, idea=idea, raw_materials="Lúa của 42 hộ thành viên")
    assert Notification.objects.filter(user=commune_officer, kind="products.idea.submitted").count() == 2
    accepted = workflow.accept_idea(actor=commune_officer, idea=idea)
    note = Notification.objects.get(kind="products.idea.accepted")
    assert note.user == producer and note.url == f"/ideas/dossiers/{accepted.product.dossiers.get().pk}/"
    assert users_told("products.idea.returned") == users_told("products.idea.accepted") == {"chuthe"}
    assert users_told("products.idea.submitted") == {"xa"}


def test_an_idea_registered_by_the_commune_officer_is_not_told_to_themselves(htx, commune_officer, people):
    workflow.register_idea(
        actor=commune_officer,
        producer=htx,
        product_name="Mật ong",
        group=ProductCategory.objects.get(system="148", level="group", code="thuc-pham"),
        description="Mật ong hoa ban.",
    )
    assert told() == set()


# ── Dossiers ───────────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def dossier(idea, commune_officer):
    Notification.objects.all().delete()
    return workflow.accept_idea(actor=commune_officer, idea=idea).product.dossiers.get()


def complete(dossier, actor):
    for code in MANDATORY:
        uploaded = SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf")
        workflow.upload_document(actor=actor, dossier=dossier, doc_type=code, uploaded=uploaded)
    return fill_forms(dossier, actor)


def test_dossier_steps_reach_the_commune_the_producer_and_then_the_province(dossier, producer, commune_officer):
    Notification.objects.all().delete()
    complete(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    assert told() == {("xa", "products.dossier.submitted")}
    workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="Bổ sung phiếu kiểm nghiệm.")
    returned = Notification.objects.get(kind="products.dossier.returned")
    assert returned.user == producer and "Bổ sung phiếu kiểm nghiệm." in returned.body
    workflow.submit_dossier(actor=producer, dossier=dossier)
    assert Notification.objects.filter(user=commune_officer, kind="products.dossier.submitted").count() == 2
    receive_and_report(dossier, commune_officer)
    workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    assert told("products.dossier.forwarded") == {
        ("tinh", "products.dossier.forwarded"),
        ("chuthe", "products.dossier.forwarded"),
    }
    office = Notification.objects.get(kind="products.dossier.forwarded", user__username="tinh")
    assert office.title.startswith("Hồ sơ chờ tỉnh") and office.url == f"/ideas/dossiers/{dossier.pk}/"
    # nobody of another commune or province heard of it
    assert not Notification.objects.filter(user__username__in=["xa.khac", "tinh.sonla"]).exists()


def test_a_refused_step_tells_nobody(dossier, producer, commune_officer):
    Notification.objects.all().delete()
    complete(dossier, producer)
    workflow.submit_dossier(actor=producer, dossier=dossier)
    with pytest.raises(DomainError):
        workflow.forward_dossier(actor=commune_officer, dossier=dossier)  # no receipt, no report yet
    with pytest.raises(DomainError):
        workflow.return_dossier(actor=commune_officer, dossier=dossier, reason="  ")
    assert told() == {("xa", "products.dossier.submitted")}


def test_a_failing_notification_never_undoes_the_step(dossier, producer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(events, "notify_many", broken)
    complete(dossier, producer)
    assert workflow.submit_dossier(actor=producer, dossier=dossier).status == "submitted"


# ── Council, results, decisions ────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def scored_round(province_officer, other_province_officer, unit, producer):
    """A 26/2026 round (advisory report first) with two products of a producer linked to the `producer` persona."""
    rnd, items, members = build_round(province_officer, unit, products=("Gạo thử", "Chè thử"), reported=True)
    items[0].product.producer.accounts.add(producer)
    return rnd, items, members


def test_members_are_told_when_seated_and_once_a_day_when_products_arrive(scored_round):
    rnd, items, members = scored_round
    seated = users_told("evaluation.member.seated")
    assert seated == {"chu.tich", "tv1", "tv2", "tv3", "tu.van", "thu.ky"}
    # two products added the same day: one message per member
    opened = Notification.objects.filter(kind="evaluation.round.opened")
    assert {n.user.username for n in opened} == seated and opened.count() == 6
    assert opened.first().url == f"/evaluation/{rnd.pk}/"
    # the province officer who did it, and everyone else, heard nothing of it
    assert not Notification.objects.filter(user__username__in=["tinh", "tinh.sonla", "chuthe"]).exists()


def test_a_member_linked_to_the_producer_is_not_told_of_its_product(province_officer, unit):
    rnd, items, members = build_round(province_officer, unit, products=(), prefix="x")
    Notification.objects.all().delete()
    own = producer_services.create_producer(
        actor=None, name="HTX của tv1", producer_type="htx", location=unit("2025:03328")
    )
    own.accounts.add(members["tv1"])
    product = product_services.create_product(
        actor=None,
        name="Sản phẩm của tv1",
        producer=own,
        location=unit("2025:03328"),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    council.add_product(actor=province_officer, evaluation_round=rnd, product=product)
    assert "xtv1" not in users_told("evaluation.round.opened")
    assert "xtv2" in users_told("evaluation.round.opened")


def test_approval_reopening_and_the_decision_reach_the_office_the_members_and_the_producer(
    scored_round, province_officer, producer
):
    rnd, (rice, tea), people = scored_round
    Notification.objects.all().delete()
    table = {"chu.tich": (2, 2, 1), "tv1": (2, 1, 2), "tv2": (1, 2, 2), "tv3": (1, 2, 2)}  # 82,50: 4★
    score_all(rice, people, table)
    assert told("evaluation.item.approved") == {
        ("tinh", "evaluation.item.approved"),
        ("chuthe", "evaluation.item.approved"),
    }
    to_producer = Notification.objects.get(kind="evaluation.item.approved", user=producer)
    assert "4 sao" in to_producer.body and to_producer.url == f"/products/{rice.product_id}/"

    council.reopen_item(actor=people["chu.tich"], item=rice, reason="Chấm lại tiêu chí C2.")
    reopened = Notification.objects.filter(kind="evaluation.item.reopened")
    assert {n.user.username for n in reopened} == {"tv1", "tv2", "tv3", "tu.van"}  # not the chair, nor the secretary
    assert all("Chấm lại tiêu chí C2." in n.body for n in reopened)
    for name, levels in table.items():
        score(rice, people[name], levels)
    council.lock_item(actor=people["chu.tich"], item=rice)
    council.approve_item(actor=people["chu.tich"], item=rice)
    assert Notification.objects.filter(kind="evaluation.item.approved", user=province_officer).count() == 2

    proposals.issue_decision(
        actor=province_officer,
        evaluation_round=rnd,
        level="province",
        number="15/QĐ-UBND",
        date=datetime.date(2026, 11, 20),
    )
    decision = Notification.objects.get(kind="certification.recognised")
    assert decision.user == producer and "4 sao" in decision.title and "15/QĐ-UBND" in decision.body
    assert not Notification.objects.filter(user__username="tinh.sonla").exists()


# ── NTM assessments ────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def assessment(people, commune_officer, unit):
    draft, _created = ntm_services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2025)
    return draft


def test_ntm_steps_reach_the_province_then_the_commune_with_the_reason(assessment, commune_officer, province_officer):
    ntm_services.submit_assessment(actor=commune_officer, assessment=assessment)
    assert told() == {("tinh", "ntm.assessment.submitted")}
    assert Notification.objects.get().url == f"/ntm/assessments/{assessment.pk}/"
    ntm_services.return_assessment(actor=province_officer, assessment=assessment, reason="Tiêu chí 5 thiếu minh chứng")
    returned = Notification.objects.get(kind="ntm.assessment.returned")
    assert returned.user == commune_officer and "Tiêu chí 5 thiếu minh chứng" in returned.body
    ntm_services.submit_assessment(actor=commune_officer, assessment=assessment)
    assert Notification.objects.filter(user=province_officer, kind="ntm.assessment.submitted").count() == 2
    ntm_services.approve_assessment(actor=province_officer, assessment=assessment)
    assert users_told("ntm.assessment.approved") == {"xa"}
    assert not Notification.objects.filter(user__username__in=["xa.khac", "tinh.sonla", "chuthe"]).exists()


def test_a_recognition_entered_by_the_province_reaches_the_commune_and_an_imported_one_does_not(
    people, commune_officer, province_officer, unit
):
    import datetime

    from ntm.choices import Source

    thanh_nua = unit("2025:03328")
    ntm_services.record_recognition(
        actor=province_officer,
        commune=thanh_nua,
        level="dat-chuan",
        decision_no="123/QĐ-UBND",
        decision_date=datetime.date(2026, 11, 20),
    )
    note = Notification.objects.get(kind="ntm.recognition.recorded")
    assert note.user == commune_officer and "Xã Thanh Nưa" in note.title and "123/QĐ-UBND" in note.body
    assert note.url == "/ntm/commune/2025:03328/"
    ntm_services.record_recognition(
        actor=province_officer,
        commune=thanh_nua,
        level="nang-cao",
        decision_no="9/QĐ-UBND",
        decision_date=datetime.date(2026, 11, 25),
        source=Source.IMPORT,
    )
    assert Notification.objects.filter(kind="ntm.recognition.recorded").count() == 1


def test_mail_without_site_url_is_flagged_at_start_up(settings):
    from notifications.checks import site_url_for_emails

    settings.EMAIL_HOST, settings.SITE_URL = "smtp.example.org", ""
    assert [w.id for w in site_url_for_emails(None)] == ["notifications.W001"]
    settings.SITE_URL = "https://ocop.dienbien.gov.vn"
    assert site_url_for_emails(None) == []
