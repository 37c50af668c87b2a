"""The demo (`make setup` → load_demo) is alive on the day it is loaded, whatever that day is, and can be reloaded."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.demo import LIVING_REGISTER, demo_day
from areas.queries import get_unit
from certification.choices import CertificateState
from certification.models import Certificate
from certification.queries import state_on
from core.models import AuditEntry
from evaluation.council_models import EvaluationRound, ItemStatus, Scoresheet, SheetStatus
from evaluation.demo import LIVE_ROUND_TITLE, ROUND
from ntm.choices import AssessmentStatus
from ntm.models import Assessment
from products.choices import DossierStatus, IdeaStatus
from products.models import Dossier, ProductIdea
from reports.dashboard import build_dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The demo dossiers' documents go to a temporary directory, never to var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def ntm_state(assessment) -> str:
    """draft / submitted / returned / approved: a returned form is a draft whose last step was the province's return."""
    if assessment.status != AssessmentStatus.DRAFT:
        return assessment.status
    last = AuditEntry.objects.filter(object_id=str(assessment.pk), action__startswith="ntm.assessment.").order_by("-id")
    return "returned" if last.values_list("action", flat=True).first() == "ntm.assessment.returned" else "draft"


def test_certificates_are_valid_expiring_and_expired_today_in_both_provinces(demo, client):
    today = timezone.localdate()
    assert demo_day() == today
    for area in ("2025:11", "2025:14"):
        dashboard = build_dashboard(get_unit(area), today)
        assert dashboard.figures["products"]["total"] > 0, area
        assert dashboard.watch["expiring"][30] > 0, area
        assert dashboard.watch["expired"] > 0, area
    living = Certificate.objects.filter(product__name__in=[row[0] for row in LIVING_REGISTER])
    states = {state_on(c, today) for c in living}
    assert {CertificateState.VALID, CertificateState.EXPIRING, CertificateState.EXPIRED} <= states
    assert all(c.decision.number.startswith("DEMO-") for c in living.select_related("decision"))
    # the historical register is kept: its 2021 decisions and the 2024 re-recognition
    assert Certificate.objects.filter(decision__number="DEMO-2024-1/QĐ-UBND", kind="re-recognition").exists()
    response = client.get("/reports/ocop/?area=2025:11")
    assert response.status_code == 200


def test_ideas_and_dossiers_wait_at_every_step(demo):
    ideas = dict(ProductIdea.objects.values_list("status").annotate(n=Count("id")))
    assert all(ideas.get(s, 0) > 0 for s in (IdeaStatus.SUBMITTED, IdeaStatus.RETURNED, IdeaStatus.ACCEPTED)), ideas
    assert all(i.return_reason for i in ProductIdea.objects.filter(status=IdeaStatus.RETURNED))
    dossiers = dict(Dossier.objects.values_list("status").annotate(n=Count("id")))
    wanted = (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.RETURNED, DossierStatus.FORWARDED)
    assert all(dossiers.get(s, 0) > 0 for s in wanted), dossiers
    assert all(d.return_reason for d in Dossier.objects.filter(status=DossierStatus.RETURNED))
    forwarded = Dossier.objects.get(status=DossierStatus.FORWARDED)
    assert forwarded.forwarded_on == timezone.localdate() and forwarded.received_on and forwarded.commune_report
    assert ProductIdea.objects.filter(location=get_unit("2025:03754")).exists()  # Sơn La too


def test_a_round_is_being_scored_with_sheets_partly_filled(demo, client):
    today = timezone.localdate()
    finished = EvaluationRound.objects.get(title=ROUND["title"])  # the 26/2026 round of issue 11 is kept
    assert finished.items.filter(status=ItemStatus.APPROVED).count() == 2
    live = EvaluationRound.objects.get(title=LIVE_ROUND_TITLE)
    assert live.starts_on <= today <= live.ends_on and live.criteria_set.code == "26-2026"
    item = live.items.get(product__name="Chè shan tuyết Phình Giàng")
    assert item.status == ItemStatus.SCORING
    sheets = {s.member.user.username: s for s in Scoresheet.objects.filter(item=item).select_related("member__user")}
    assert sheets["hoidong.dienbien"].status == SheetStatus.SUBMITTED
    criteria = item.sheet.criteria.count()
    for username in ("pct.dienbien", "hoidong2.dienbien"):
        draft = sheets[username]
        assert draft.status == SheetStatus.DRAFT and 0 < draft.answers.count() < criteria
    assert "hoidong3.dienbien" not in sheets
    waiting = live.items.get(product__name="Tỏi tía Mường Phăng")
    assert waiting.status == ItemStatus.SCORING and not waiting.sheets.exists()
    client.force_login(sheets["pct.dienbien"].member.user)
    assert client.get(f"/evaluation/{live.pk}/").status_code == 200


def test_ntm_assessments_are_in_every_state_this_year_and_last_year_in_both_schemes(demo):
    year = timezone.localdate().year
    for y in (year, year - 1):
        states = {ntm_state(a) for a in Assessment.objects.filter(year=y).select_related("commune")}
        assert {"draft", "submitted", "returned", "approved"} <= states, (y, states)
    schemes = set(Assessment.objects.values_list("commune__scheme", flat=True))
    assert schemes == {"pre2025", "2025"}
    returned = next(a for a in Assessment.objects.filter(year=year) if ntm_state(a) == "returned")
    entry = AuditEntry.objects.filter(object_id=str(returned.pk), action="ntm.assessment.returned").get()
    assert entry.after["reason"] and entry.actor.username == "tinh.dienbien"


def test_a_reload_the_same_day_or_a_later_day_writes_nothing(demo, monkeypatch):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
    loaded_on = timezone.localdate()
    later = loaded_on + datetime.timedelta(days=400)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else later)
    assert demo_day() == loaded_on  # the demo stays dated from the day it was first loaded
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
