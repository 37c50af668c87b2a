"""The world of the permission matrix (tests/security/test_permission_matrix.py), built once per module.

One user per role of accounts/roles.py with a membership in Tỉnh Điện Biên (the province, or Xã Thanh Nưa 2025:03328
for the commune-level roles; the system administrator has no area), and the same kinds of objects twice: in Điện Biên
("own", placed in Xã Thanh Nưa so that commune roles reach them too) and in Tỉnh Sơn La ("foreign", placed in Phường
Tô Hiệu 2025:03646). The council member chairs the Điện Biên round and the advisory member sits on its advisory team;
the producer account is linked to the Điện Biên producer. Nothing of ours sits on the Sơn La round.

The whole world lives in one transaction opened here and rolled back when the module ends, so it leaves nothing behind
for the other tests of the run; each test's own transaction is a savepoint inside it.
"""

import datetime
import itertools
from dataclasses import dataclass, field
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from accounts.roles import Role

OWN_PROVINCE, OWN_COMMUNE = "2025:11", "2025:03328"
FOREIGN_PROVINCE, FOREIGN_COMMUNE = "2025:14", "2025:03646"
COMMUNE_ROLES = {Role.COMMUNE_OFFICER, Role.PRODUCER}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00"
    b"\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
_n = itertools.count(1)


@dataclass
class World:
    own: SimpleNamespace
    foreign: SimpleNamespace
    users: dict  # role → User
    tokens: dict  # role → raw API token
    clients: dict = field(default_factory=dict)  # role (or "anonymous") → logged-in Client
    criteria: SimpleNamespace = (
        None  # the nationwide OCOP criteria set (no area: reached by evaluation.manage_criteria)
    )

    def side(self, name):
        return self.own if name == "own" else self.foreign


def _side(tag, province_id, commune_id, officer, *, council_user=None, advisory_user=None, producer_user=None):
    """The objects of one province. `officer` holds province_officer there (builds rounds, decisions)."""
    from accounts import services as accounts_services
    from areas.queries import get_unit
    from certification import services as certs
    from certification.models import Inspection
    from conftest import make_user
    from core.models import AuditEntry
    from evaluation import advisory, council
    from evaluation.council_models import (
        AdditionRequest,
        MemberRole,
        MinistryProposal,
        Scoresheet,
        SiteSurvey,
    )
    from evaluation.models import MandatoryRule
    from evaluation.tests.scoring_setup import build_set
    from imports.models import ImportJob
    from notifications.services import notify
    from ntm.models import Assessment, Recognition
    from ntm.models import CriteriaSet as NtmSet
    from producers.services import create_producer
    from products import dossier_forms
    from products.models import Dossier, DossierDocument, ProductCategory, ProductIdea, ProductPhoto
    from products.services import create_product

    o = SimpleNamespace(tag=tag)
    o.province, o.commune = get_unit(province_id), get_unit(commune_id)
    o.area_id, o.commune_id = province_id, commune_id
    o.officer = officer
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    o.producer = create_producer(actor=None, name=f"MX-{tag}-chu-the", producer_type="htx", location=o.commune)
    o.product = create_product(
        actor=None, name=f"MX-{tag}-san-pham", producer=o.producer, location=o.commune, group=group
    )
    o.photo = ProductPhoto.objects.create(product=o.product, image=ContentFile(PNG, name="a.png"))
    o.idea = ProductIdea.objects.create(
        producer=o.producer,
        product_name=f"MX-{tag}-y-tuong",
        group=group,
        description="Ý tưởng thử.",
        location=o.commune,
        registered_by=officer,
    )
    o.dossier = Dossier.objects.create(product=o.product)
    # Mẫu 01 filled in (its PDF exists only then), with what the form proposes
    o.dossier.registration_form = dossier_forms.initial_for("mau-01", o.dossier, datetime.date(2026, 10, 1))
    o.dossier.save(update_fields=["registration_form"])
    o.document = DossierDocument.objects.create(
        dossier=o.dossier,
        doc_type="business-plan",
        file=ContentFile(PDF, name="plan.pdf"),
        original_name="plan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=officer,
    )
    # A person of this area (for the people and member pages).
    o.person = make_user(f"mx.{tag}.nguoi", Role.VIEWER, commune_id)
    o.membership = o.person.memberships.get()
    if producer_user is not None:
        accounts_services.link_producer(actor=None, user=producer_user, producer=o.producer)
    o.linked_user = producer_user or make_user(f"mx.{tag}.chuthe", Role.PRODUCER, commune_id)
    if producer_user is None:
        accounts_services.link_producer(actor=None, user=o.linked_user, producer=o.producer)

    # A round of this province on a test criteria set, one product before it, a council.
    o.criteria_set = build_set(code=f"MX{tag}")
    o.round = council.create_round(
        actor=officer,
        province=o.province,
        title=f"MX-{tag}-dot",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 30),
        criteria_set=o.criteria_set,
    )
    chair = council_user or make_user(f"mx.{tag}.chutich", Role.COUNCIL_MEMBER, province_id)
    adviser = advisory_user or make_user(f"mx.{tag}.tuvan", Role.ADVISORY_MEMBER, province_id)
    o.chair = council.add_member(actor=officer, evaluation_round=o.round, user=chair, role=MemberRole.CHAIR)
    o.adviser = council.add_member(actor=officer, evaluation_round=o.round, user=adviser, role=MemberRole.ADVISORY)
    o.member = council.add_member(
        actor=officer,
        evaluation_round=o.round,
        user=make_user(f"mx.{tag}.tv", Role.COUNCIL_MEMBER, province_id),
        role=MemberRole.MEMBER,
    )
    o.item = council.add_product(actor=officer, evaluation_round=o.round, product=o.product)
    o.sheet = Scoresheet.objects.create(item=o.item, member=o.chair)
    o.criterion = o.item.sheet.criteria.order_by("position").first()
    o.option = o.criterion.options.order_by("position").first()
    o.rule = MandatoryRule.objects.order_by("pk").first()
    review = advisory.write_report(actor=adviser, item=o.item, summary="Đủ.", recommendation="Chấm.")
    o.addition = AdditionRequest.objects.create(
        review=review, missing="Giấy phép", due_on=datetime.date(2026, 10, 20), requested_by=adviser
    )
    o.survey = SiteSurvey.objects.create(
        review=review, surveyed_on=datetime.date(2026, 10, 15), participants="Tổ", scheduled_by=adviser
    )
    o.proposal = MinistryProposal.objects.create(
        item=o.item, letter_no=f"{next(_n)}/UBND", letter_date=datetime.date(2026, 11, 1)
    )

    # A decision and a certificate of this province, an inspection of the product.
    o.decision, _ = certs.get_or_create_decision(
        actor=None,
        number=f"MX-{next(_n)}/QĐ-UBND",
        date=datetime.date(2025, 9, 1),
        kind="recognition",
        issuing_level="province",
        province=o.province,
    )
    o.certificate, _ = certs.record_certificate(actor=None, product=o.product, decision=o.decision, stars=3)
    o.inspection = Inspection.objects.create(
        product=o.product,
        certificate=o.certificate,
        date=datetime.date(2025, 10, 1),
        kind="periodic",
        body="province",
        criteria_maintained=True,
        mark_use_correct=True,
        conclusion="Duy trì.",
    )

    # NTM: an assessment of the commune and a recognition.
    o.assessment = Assessment.objects.create(
        commune=o.commune, year=2026, criteria_set=NtmSet.objects.get(code="ntm-2026")
    )
    o.recognition = Recognition.objects.create(
        commune=o.commune, level="dat-chuan", effective_date=datetime.date(2025, 12, 31)
    )

    # An import job of the province (a finished dry run with an error workbook) and a notification of its officer.
    o.import_job = ImportJob.objects.create(
        kind="register",
        file=ContentFile(b"x", name="so.xlsx"),
        original_name="so.xlsx",
        created_by=officer,
        area=o.province,
        status="validated",
        error_file=ContentFile(b"x", name="loi.xlsx"),
    )
    _programme(o, officer)
    from tests.security import (
        routes_funding,
        routes_linkages,
        routes_monitoring,
        routes_ntm_areas,
        routes_ntm_indicators,
        routes_ntm_levels,
        routes_ntm_procedure,
        routes_ntm_village_assessments,
        routes_plans,
        routes_training,
        routes_villages,
    )

    for fragment in (
        routes_plans,
        routes_linkages,
        routes_funding,
        routes_monitoring,
        routes_training,
        routes_villages,
        routes_ntm_village_assessments,
        routes_ntm_areas,
        routes_ntm_procedure,
        routes_ntm_indicators,
        routes_ntm_levels,
    ):
        fragment.build(o, officer)
    o.notification = notify(user=officer, kind="test", title=f"MX-{tag}-thong-bao")[0]
    o.token = accounts_services.issue_token(actor=officer, name=f"MX-{tag}")[0]
    o.audit = AuditEntry.objects.filter(area=o.commune).order_by("pk").first()
    return o


def _programme(o, officer):
    """Trade promotion and sales channels (issue 16), written through the programme's services.

    `event` is a non-public event of the province that ended a month ago, where the producer took part (accepted,
    `participation`); `fair` is a public event two months ahead, where the producer asked to take part and waits
    (`registration`). The fair's name carries no MX- mark: a public event of any province is open to every holder of
    programme.view (producers register for other provinces' fairs), so it may rightly appear on the Điện Biên lists.
    `outlet` is an outlet the officer entered (public at once), `listing` an e-commerce listing the producer proposed
    (waiting for review). `plain_product` holds no certificate: the public catalogue must not show it or its photo.
    """
    from producers.models import Producer
    from products.models import ProductCategory, ProductPhoto
    from products.services import create_product
    from programme import channel_services, event_services
    from programme.models import EventKind, EventLevel, OutletKind, Platform

    today = timezone.localdate()
    common = {"organiser": "Sở Công Thương", "place": "Nhà văn hoá", "area": None, "province": o.province}
    o.event = event_services.create_event(
        actor=officer,
        name=f"MX-{o.tag}-su-kien",
        kind=EventKind.CONFERENCE,
        level=EventLevel.PROVINCE,
        start_date=today - datetime.timedelta(days=32),
        end_date=today - datetime.timedelta(days=30),
        description="",
        is_public=False,
        **common,
    )
    o.fair = event_services.create_event(
        actor=officer,
        name=f"Hội chợ công khai {o.tag}",
        kind=EventKind.FAIR,
        level=EventLevel.PROVINCE,
        start_date=today + datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=63),
        description="",
        is_public=True,
        **common,
    )
    o.participation = event_services.add_participant(
        actor=officer, event=o.event, producer=o.producer, products=[o.product]
    )
    o.registration = event_services.register_interest(
        actor=o.linked_user, event=o.fair, producer=Producer.objects.get(pk=o.producer.pk), products=[o.product]
    )
    o.outlet = channel_services.enter_directly(
        actor=officer,
        product=o.product,
        kind="outlet",
        values={"kind": OutletKind.OCOP_SHOP, "name": f"MX-{o.tag}-diem-ban", "address": "", "commune": o.commune},
    )
    o.listing = channel_services.propose(
        actor=o.linked_user,
        product=o.product,
        kind="listing",
        values={"platform": Platform.SHOPEE, "url": f"https://shopee.vn/mx-{o.tag.lower()}", "checked_on": None},
    )
    o.plain_product = create_product(
        actor=None,
        name=f"MX-{o.tag}-chua-chung-nhan",
        producer=o.producer,
        location=o.commune,
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )
    o.plain_photo = ProductPhoto.objects.create(product=o.plain_product, image=ContentFile(PNG, name="b.png"))


def build_world():
    from accounts import services as accounts_services
    from conftest import make_user
    from evaluation.tests.scoring_setup import build_set

    users = {}
    for role in Role:
        area = None if role == Role.SYSTEM_ADMIN else OWN_COMMUNE if role in COMMUNE_ROLES else OWN_PROVINCE
        users[role] = make_user(f"mx.{role}", role, area)
    sonla = make_user("mx.sonla", Role.PROVINCE_OFFICER, FOREIGN_PROVINCE)
    own = _side(
        "DB",
        OWN_PROVINCE,
        OWN_COMMUNE,
        users[Role.PROVINCE_OFFICER],
        council_user=users[Role.COUNCIL_MEMBER],
        advisory_user=users[Role.ADVISORY_MEMBER],
        producer_user=users[Role.PRODUCER],
    )
    foreign = _side("SL", FOREIGN_PROVINCE, FOREIGN_COMMUNE, sonla)
    tokens = {role: accounts_services.issue_token(actor=user, name="matrix")[1] for role, user in users.items()}
    # Personal objects (notifications, tokens) of each role: "own" for the routes about one's own records.
    from notifications.services import notify

    personal = {
        role: SimpleNamespace(
            notification=notify(user=user, kind="test", title=f"MX-{role}")[0],
            token=accounts_services.issue_token(actor=user, name=f"MX-{role}")[0],
        )
        for role, user in users.items()
    }
    criteria_set = build_set(code="MXNATION")
    criteria_set.status = "draft"
    criteria_set.save(update_fields=["status"])
    part = criteria_set.parts.order_by("pk").first()
    section = criteria_set.sections.order_by("pk").first()
    scope = criteria_set.scopes.order_by("pk").first()
    criterion = scope.criteria.order_by("pk").first()
    option = criterion.options.order_by("pk").first()
    criteria = SimpleNamespace(
        set=criteria_set, part=part, section=section, scope=scope, criterion=criterion, option=option
    )
    world = World(own=own, foreign=foreign, users=users, tokens=tokens, criteria=criteria)
    world.personal = personal
    world.sonla = sonla
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Rate limits (issue 14) would answer 429 to hundreds of requests from one client: not what is measured here.
    # PDFs: the templates are rendered (their errors count) but WeasyPrint's layout, seconds per page, is skipped.
    with (
        override_settings(RATE_LIMITS=[]),
        mock.patch("weasyprint.HTML.write_pdf", return_value=PDF),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        w = build_world()
        w.clients["anonymous"] = Client()
        w.sessions = {}
        for role, user in w.users.items():
            client = Client()
            client.force_login(user)
            w.clients[str(role)] = client
            # restored before each request: a logout or a password change would otherwise end the session
            w.sessions[str(role)] = client.cookies[settings.SESSION_COOKIE_NAME].value
        w.built_at = timezone.now()
        yield w
        transaction.set_rollback(True)
