"""line_progress: every blocking step of a named product, the achieved rules, and a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from evaluation.council_models import EvaluationRound, ItemStatus, RoundItem
from evaluation.models import SheetScope
from evaluation.tests.scoring_setup import build_set
from products import workflow
from products.choices import DossierKind, DossierStatus
from products.models import Dossier
from programme.models import LineAction, SupportLine
from programme.plan_actuals import line_progress
from programme.tests.test_plan_actuals import certify, make_line, make_plan, make_product, thuc_pham

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 12, 31)


def progress_of(line, as_of=AS_OF):
    return line_progress([line], as_of)[line.pk]


def open_round(unit, product, *, starts_on, status=ItemStatus.SCORING, final_stars=None, mean=None, title="Đợt 1"):
    """A round of Tỉnh Điện Biên with the product before it, at the status the test needs (the council's scoring is
    evaluation's own tests' business; here only its outcome matters)."""
    criteria_set = build_set(code=f"T{starts_on.isoformat()}{product.pk}")
    evaluation_round = EvaluationRound.objects.create(
        province=unit("2025:11"),
        title=title,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=20),
        criteria_set=criteria_set,
    )
    approved_at = timezone.now() if status == ItemStatus.APPROVED else None
    return RoundItem.objects.create(
        evaluation_round=evaluation_round,
        product=product,
        sheet=SheetScope.objects.get(criteria_set=criteria_set),
        status=status,
        final_stars=final_stars,
        mean=mean,
        approved_at=approved_at,
    )


def test_only_a_name_is_not_started(unit):
    line = make_line(make_plan(unit, "2025:03328", 2026), "Mật ong bạc hà")
    progress = progress_of(line)
    assert (progress.state, progress.step) == ("not-started", "no-idea")
    assert progress.label == "Chưa đăng ký ý tưởng sản phẩm"


def test_idea_submitted_then_returned_then_accepted(unit, producer, commune_officer):
    from producers.services import create_producer

    holder = create_producer(actor=None, name="HTX Mật ong", producer_type="htx", location=unit("2025:03328"))
    idea = workflow.register_idea(
        actor=commune_officer, producer=holder, product_name="Mật ong", group=thuc_pham(), description="Mật ong rừng"
    )
    line = make_line(make_plan(unit, "2025:03328", 2026), "Mật ong", idea=idea)
    assert progress_of(line).step == "idea-submitted"
    assert "chờ xã sàng lọc" in progress_of(line).label

    workflow.return_idea(actor=commune_officer, idea=idea, reason="thiếu mô tả nguyên liệu")
    progress = progress_of(line)
    assert (progress.state, progress.step) == ("not-started", "idea-returned")
    assert progress.label.endswith(": thiếu mô tả nguyên liệu")
    assert timezone.localdate().strftime("%d/%m/%Y") in progress.label

    idea.refresh_from_db()
    workflow.resubmit_idea(actor=commune_officer, idea=idea)
    workflow.accept_idea(actor=commune_officer, idea=idea)
    progress = progress_of(line)
    # accepting creates the product with a first dossier in draft: derived through the idea
    assert (progress.state, progress.step) == ("in-progress", "dossier-draft")
    assert progress.product.name == "Mật ong"
    assert progress.dossier.kind == DossierKind.FIRST


@pytest.mark.parametrize(
    "status, step",
    [
        (DossierStatus.DRAFT, "dossier-draft"),
        (DossierStatus.SUBMITTED, "dossier-submitted"),
        (DossierStatus.RETURNED, "dossier-returned"),
        (DossierStatus.FORWARDED, "dossier-forwarded"),
        (DossierStatus.PROVINCE_RETURNED, "province-returned"),
    ],
)
def test_each_dossier_status_is_its_step(unit, status, step):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product)
    assert progress_of(line).step == "no-dossier"
    moment = timezone.make_aware(datetime.datetime(2026, 5, 12, 9, 0))
    Dossier.objects.create(
        product=product,
        status=status,
        return_reason="thiếu phiếu kiểm nghiệm" if "returned" in status else "",
        submitted_on=datetime.date(2026, 5, 2),
        forwarded_on=datetime.date(2026, 5, 20) if status == DossierStatus.FORWARDED else None,
        created_at=moment,
        updated_at=moment,
    )
    progress = progress_of(line)
    assert (progress.state, progress.step) == ("in-progress", step)
    if status == DossierStatus.RETURNED:
        assert progress.label == "Hồ sơ bị xã trả lại ngày 12/05/2026: thiếu phiếu kiểm nghiệm"
    if status == DossierStatus.FORWARDED:
        assert "20/05/2026" in progress.label


def test_a_dossier_opened_after_the_plan_year_or_of_another_kind_does_not_count(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2025), "Gạo tám", product=product)
    later = timezone.make_aware(datetime.datetime(2026, 1, 1, 8, 0))
    Dossier.objects.create(product=product, status=DossierStatus.FORWARDED, created_at=later, updated_at=later)
    earlier = timezone.make_aware(datetime.datetime(2025, 3, 1, 8, 0))
    Dossier.objects.create(
        product=product, kind=DossierKind.UPGRADE, status=DossierStatus.DRAFT, created_at=earlier, updated_at=earlier
    )
    assert progress_of(line).step == "no-dossier"


def test_round_steps_scoring_failed_and_awaiting_decision(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product)
    Dossier.objects.create(product=product, status=DossierStatus.FORWARDED)
    item = open_round(unit, product, starts_on=datetime.date(2026, 9, 1), title="Đợt 2/2026")
    progress = progress_of(line)
    assert (progress.step, progress.round_item) == ("in-round", item)
    assert "Đợt 2/2026" in progress.label and "01/09/2026" in progress.label

    item.status, item.final_stars, item.mean, item.approved_at = ItemStatus.APPROVED, 2, "42.50", timezone.now()
    item.save()
    assert progress_of(line).step == "failed"
    assert "42,50 điểm" in progress_of(line).label

    item.final_stars = 3
    item.save()
    assert progress_of(line).step == "awaiting-decision"
    # an item eliminated by a knock-out condition has no stars: not recognised
    item.final_stars = None
    item.save()
    assert progress_of(line).step == "failed"


def test_a_round_of_another_year_does_not_count(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product)
    open_round(unit, product, starts_on=datetime.date(2025, 12, 1))
    assert progress_of(line).step == "no-dossier"


def test_new_recognition_achieved_in_the_plan_year_only(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product, target_stars=3)
    certify(unit, product, datetime.date(2027, 1, 1), stars=4)
    assert progress_of(line, datetime.date(2027, 6, 30)).step == "no-dossier"  # decided the year after

    other = make_product(unit, "Gạo nếp")
    line = make_line(line.plan, "Gạo nếp", product=other, target_stars=3)
    certificate = certify(unit, other, datetime.date(2026, 12, 31), stars=3)
    progress = progress_of(line)
    assert (progress.state, progress.step) == ("achieved", "achieved")
    assert progress.certificate == certificate and progress.decision == certificate.decision
    assert progress.label == f"Đạt 3 sao theo quyết định {certificate.decision.number} ngày 31/12/2026"
    # on a day before the decision it was not yet achieved
    assert progress_of(line, datetime.date(2026, 12, 30)).step == "no-dossier"


def test_recognised_below_the_target_stars_is_stars_short(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product, target_stars=4)
    certify(unit, product, datetime.date(2026, 6, 1), stars=3)
    progress = progress_of(line)
    assert (progress.state, progress.step) == ("in-progress", "stars-short")
    assert "chưa đạt hạng 4 sao" in progress.label


def test_upgrade_and_re_recognition_need_their_own_decision_kind(unit):
    product = make_product(unit, "Gạo tám")
    certify(unit, product, datetime.date(2023, 3, 1), stars=3)
    plan = make_plan(unit, "2025:03328", 2026)
    upgrade = make_line(plan, "Gạo tám", product=product, action=LineAction.UPGRADE)
    again = make_line(plan, "Gạo tám (công nhận lại)", product=product, action=LineAction.RE_RECOGNITION)
    assert progress_of(upgrade).step == "no-dossier"
    certify(unit, product, datetime.date(2026, 3, 1), stars=3)  # same stars again: a re-recognition
    assert progress_of(upgrade).step == "no-dossier"
    assert progress_of(again).step == "achieved"
    certify(unit, product, datetime.date(2026, 9, 1), stars=4)
    assert progress_of(upgrade).step == "achieved"


def test_support_line_achieved_once_disbursed(unit):
    product = make_product(unit, "Gạo tám")
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product, action=LineAction.SUPPORT)
    assert (progress_of(line).state, progress_of(line).step) == ("in-progress", "support-pending")
    support = SupportLine.objects.create(
        province=unit("2025:11"), year=2026, product=product, purpose="packaging", source="ntm", amount_planned=50
    )
    assert progress_of(line).step == "support-pending"  # planned, nothing paid yet
    support.amount_disbursed = 30_000_000
    support.save()
    progress = progress_of(line)
    assert progress.step == "achieved" and progress.support == [support]
    assert "30.000.000 đồng" in progress.label
    # support of another year is not this plan's
    support.year = 2025
    support.save()
    assert progress_of(line).step == "support-pending"


def test_stored_links_win_over_derived_ones(unit):
    product = make_product(unit, "Gạo tám")
    certificate = certify(unit, product, datetime.date(2026, 2, 1), stars=3)
    # a line that names the decision is achieved by it, whatever other certificates say
    line = make_line(make_plan(unit, "2025:03328", 2026), "Gạo tám", product=product, decision=certificate.decision)
    assert progress_of(line).certificate == certificate


def test_constant_queries_for_one_or_ten_lines(unit, django_assert_max_num_queries):
    plan = make_plan(unit, "2025:03328", 2026)

    def build(n, prefix):
        lines = []
        for i in range(n):
            product = make_product(unit, f"{prefix} {i}")
            Dossier.objects.create(product=product, status=DossierStatus.SUBMITTED)
            open_round(unit, product, starts_on=datetime.date(2026, 9, 1))
            certify(unit, product, datetime.date(2026, 11, 1), stars=3)
            lines.append(make_line(plan, f"{prefix} {i}", product=product))
        lines.append(make_line(plan, f"{prefix} chưa có ý tưởng"))
        return lines

    one = build(1, "Một")
    with django_assert_max_num_queries(7) as counted:
        line_progress(one, AS_OF)
    few = len(counted.captured_queries)
    ten = build(10, "Mười")
    with django_assert_max_num_queries(few):
        found = line_progress(ten, AS_OF)
    assert sum(p.achieved for p in found.values()) == 10
