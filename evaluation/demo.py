"""OCOP council demo for Tỉnh Điện Biên (`make setup` → `manage.py load_demo`): the 26/2026 cases of issue 11 on pages.

Loaded after the demo accounts (accounts/demo.py) and the demo register. Everything goes in through the services —
evaluation.council, evaluation.advisory, evaluation.proposals (which write the certificates through
certification.services), products.services and producers.services — as the province office, the council and the
advisory team would record it; each step first looks at what is recorded, so running it again writes nothing. Decision
and letter numbers start with "DEMO-": they are illustrations, not real documents.

One round of the province (2025:11) on the 26/2026 set, 12–23/10/2026, with a seated council: chair hoidong.dienbien,
the vice-chair pct.dienbien (named to preside when the chair has a conflict), members hoidong2/hoidong3.dienbien,
secretary thuky.dienbien, advisory member tuvan.dienbien. The advisory team reports on each product before the council
scores it; the secretary records the star minimums of the real 26/2026 sheets (all met).

- Product A, "Mật ong hoa ban Thanh Yên" (sheet 04, the demo producer of chuthe.dienbien): every member scores ≥ 90,
  approved 5★; the province chairman approves the result and the province proposes it to the ministry, which has not
  decided → "Tiềm năng 5 sao" on /reports/ocop/?area=2025:11, on the product page and in
  /products/?state=potential-5-star; the proposal at /evaluation/<round>/ministry/.
- Product B, "Cà phê rang xay Mường Ảng" (sheet 13): the chair declares a conflict, the vice-chair presides (locks,
  approves) → /evaluation/<round>/board/ says "… (phó chủ tịch) chủ trì" (and the minutes PDF); mean 70–89 → the
  province's recognition decision, a 4★ certificate (product page; /register/decisions/<id>/).

The demo register (products/data/demo_register.csv, loaded before this) re-recognises "Gạo tám thơm Điện Biên" in 2024
(first recognised 2021): on /reports/ocop/?area=2025:11 it counts in the 2021 first-recognition cohort and under 2024
by decision in force.

The council approves when this runs (its services stamp the time), so the chairman's approval, the letter to the
ministry and the province's decision are dated on the day the demo is loaded.

A second round of the province is being scored on the demo's day (accounts.demo.demo_day: the day the demo was first
loaded), from three days before it to eleven days after, with the same council, on the set in force:
- Product C, "Chè shan tuyết Phình Giàng" (sheet 11): the advisory team has reported; the chair has submitted his
  sheet, the vice-chair and hoidong2.dienbien have filled in part of theirs (drafts), hoidong3.dienbien has not
  started → the round board shows sheets partly filled; each member finds the product in their to-do list.
- Product D, "Tỏi tía Mường Phăng" (sheet 10): waiting for the advisory team's report, so the council cannot score it
  yet (the survey is scheduled).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from areas.queries import get_unit
from certification.choices import IssuingLevel
from certification.models import Certificate
from core.errors import DomainError
from evaluation import advisory, council, proposals
from evaluation.council_models import (
    Conflict,
    EvaluationRound,
    ItemStatus,
    MemberRole,
    MinimumCheck,
    MinistryProposal,
    ProposalDocument,
    Scoresheet,
    SheetStatus,
    SiteSurvey,
)
from evaluation.models import CriteriaSet, Criterion, MandatoryRule
from producers.services import create_producer, find_producer
from products.choices import ProductStatus
from products.models import ProductCategory
from products.services import create_product, find_product

PROVINCE = "2025:11"
OFFICER = "tinh.dienbien"
ROUND = {
    "title": "Đợt đánh giá, phân hạng sản phẩm OCOP cấp tỉnh 2026 (dữ liệu minh họa)",
    "starts_on": datetime.date(2026, 10, 12),
    "ends_on": datetime.date(2026, 10, 23),
    "criteria_set": "26-2026",
}
# username → seat, in the order seated (the first vice-chair seated is the one named to preside for the chair)
COUNCIL = [
    ("hoidong.dienbien", MemberRole.CHAIR),
    ("pct.dienbien", MemberRole.VICE_CHAIR),
    ("hoidong2.dienbien", MemberRole.MEMBER),
    ("hoidong3.dienbien", MemberRole.MEMBER),
    ("thuky.dienbien", MemberRole.SECRETARY),
    ("tuvan.dienbien", MemberRole.ADVISORY),
]
SECRETARY = "thuky.dienbien"
ADVISORY = "tuvan.dienbien"


@dataclass(frozen=True)
class DemoProduct:
    key: str
    name: str
    producer: str
    producer_type: str
    commune: str  # 2025 scheme
    subgroup: str  # 26/2026 phân nhóm
    description: str
    totals: dict  # username → the member's total on the sheet
    conflict: tuple[str, str] | None = None  # (username, reason)
    survey: tuple[datetime.date, str, str] | None = None  # (date, who, findings)


PRODUCTS = [
    DemoProduct(
        key="A",
        name="Mật ong hoa ban Thanh Yên",
        producer="Chủ thể tại xã Thanh Yên",  # the demo producer of chuthe.dienbien (products/data/demo_register.csv)
        producer_type="ho",
        commune="2025:03349",
        subgroup="04",
        description="Mật ong nuôi tại các bản của xã Thanh Yên, thu vào mùa hoa ban (dữ liệu minh họa).",
        totals={"hoidong.dienbien": 96, "pct.dienbien": 94, "hoidong2.dienbien": 92, "hoidong3.dienbien": 95},
        survey=(
            datetime.date(2026, 10, 14),
            "Tổ tư vấn OCOP tỉnh Điện Biên",
            "Cơ sở nuôi ong và nơi sơ chế, đóng chai đúng như hồ sơ.",
        ),
    ),
    DemoProduct(
        key="B",
        name="Cà phê rang xay Mường Ảng",
        producer="Chủ thể tại xã Mường Ảng",
        producer_type="ho",
        commune="2025:03256",
        subgroup="13",
        description="Cà phê Arabica trồng tại Mường Ảng, rang xay tại cơ sở (dữ liệu minh họa).",
        totals={"pct.dienbien": 82, "hoidong2.dienbien": 80, "hoidong3.dienbien": 79},
        conflict=("hoidong.dienbien", "Chủ tịch hội đồng là người thân của chủ thể (dữ liệu minh họa)."),
    ),
]
REPORT = {
    "summary": "Hồ sơ đầy đủ theo Điều 6 Quyết định 26/2026/QĐ-TTg; đạt các yêu cầu tối thiểu theo hạng sao.",
    "recommendation": "Đề nghị Hội đồng cấp tỉnh chấm điểm, phân hạng sản phẩm.",
}
MINISTRY = {
    "approval_no": "DEMO-2026-11/QĐ-UBND",
    "letter_no": "DEMO-2026-12/UBND-KT",
    "documents": [
        ProposalDocument.ADVISORY_REPORT,
        ProposalDocument.COUNCIL_REPORT,
        ProposalDocument.PRODUCT_DOSSIER,
        ProposalDocument.SAMPLES,
    ],
    "note": "Dữ liệu minh họa: Bộ chưa có kết quả.",
}
DECISION_NO = "DEMO-2026-10/QĐ-UBND"


@dataclass
class DemoResult:
    counts: dict = field(default_factory=dict)
    round: EvaluationRound | None = None
    items: dict = field(default_factory=dict)  # key → RoundItem
    live_round: EvaluationRound | None = None  # the round being scored on the demo's day

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n

    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"rounds created={c.get('rounds', 0)}; members seated={c.get('members', 0)}; "
            f"products created={c.get('products', 0)}; sheets submitted={c.get('sheets', 0)}; "
            f"minimums recorded={c.get('minimums', 0)}; results approved={c.get('approved', 0)}; "
            f"proposed to the ministry={c.get('proposals', 0)}; certificates created={c.get('certificates', 0)}; "
            f"draft sheets={c.get('drafts', 0)}"
        )


# ── Scoring helpers (also used by evaluation/tests/scoring_setup.py) ───────────────────────────────────────────────


def score_to(item, user, target, submit=True, fixed=None):
    """Choose options on the item's sheet (any sheet) so that the member's total is `target` points.

    `fixed`: criterion code → option position (1-based, as printed) chosen first; the other criteria take their top
    option, lowered from the last criterion back until the total is reached.
    """
    fixed = fixed or {}
    sheet_criteria = list(Criterion.objects.filter(scope=item.sheet).prefetch_related("options").order_by("position"))
    choice = {}
    for criterion in sheet_criteria:
        options = sorted(criterion.options.all(), key=lambda o: o.position)
        if criterion.code in fixed:
            choice[criterion.code] = options[fixed[criterion.code] - 1]
        else:
            choice[criterion.code] = max(options, key=lambda o: o.points)
    drop = sum(o.points for o in choice.values()) - target
    for criterion in reversed(sheet_criteria):
        if drop <= 0:
            break
        if criterion.code in fixed:
            continue
        chosen = choice[criterion.code]
        lower = [o for o in criterion.options.all() if chosen.points - o.points <= drop]
        best = min(lower, key=lambda o: o.points)
        choice[criterion.code] = best
        drop -= chosen.points - best.points
    if drop != 0:
        raise ValueError(f"cannot reach {target} on {item.sheet}")
    for criterion in sheet_criteria:
        council.choose_option(actor=user, item=item, criterion=criterion, option=choice[criterion.code])
    if submit:
        council.submit_sheet(actor=user, item=item)


def rules_of(item, max_stars=5):
    """The item's sheet's star minimums up to `max_stars`, in sheet order."""
    return list(
        MandatoryRule.objects.filter(criterion__scope=item.sheet_id, stars__lte=max_stars)
        .select_related("criterion")
        .order_by("criterion__position", "stars")
    )


def record_minimums(item, recorder, max_stars=5, not_met=None, skip_recorded=False):
    """The recorder judges every minimum up to `max_stars`: met, except (criterion code, stars) → note in `not_met`.
    `skip_recorded`: leave the minimums already judged as they are. Returns how many were recorded."""
    not_met = not_met or {}
    done = set(MinimumCheck.objects.filter(item=item).values_list("rule_id", flat=True)) if skip_recorded else set()
    recorded = 0
    for rule in rules_of(item, max_stars):
        if rule.pk in done:
            continue
        note = not_met.get((rule.criterion.code, rule.stars))
        council.record_minimum(actor=recorder, item=item, rule=rule, met=note is None, note=note or "")
        recorded += 1
    return recorded


# ── The demo ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _users() -> dict[str, User]:
    wanted = {OFFICER, *(name for name, _role in COUNCIL)}
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    missing = sorted(wanted - set(users))
    if missing:
        raise DomainError(f"Chưa có tài khoản minh họa {', '.join(missing)}: chạy load_demo_users trước.")
    return users


def _round(officer, users, result) -> EvaluationRound:
    province = get_unit(PROVINCE)
    evaluation_round = EvaluationRound.objects.filter(province=province, title=ROUND["title"]).first()
    if evaluation_round is None:
        evaluation_round = council.create_round(
            actor=officer,
            province=province,
            title=ROUND["title"],
            starts_on=ROUND["starts_on"],
            ends_on=ROUND["ends_on"],
            criteria_set=CriteriaSet.objects.get(code=ROUND["criteria_set"]),
            meeting_date=ROUND["starts_on"],
            meeting_place="Hội trường UBND tỉnh Điện Biên (dữ liệu minh họa)",
        )
        result.add("rounds")
    seated = set(evaluation_round.members.values_list("user__username", flat=True))
    for username, role in COUNCIL:
        if username not in seated:
            council.add_member(actor=officer, evaluation_round=evaluation_round, user=users[username], role=role)
            result.add("members")
    return evaluation_round


def _product(officer, spec: DemoProduct, result):
    commune = get_unit(spec.commune)
    producer = find_producer(name=spec.producer, unit=commune)
    if producer is None:
        producer = create_producer(
            actor=officer, name=spec.producer, producer_type=spec.producer_type, location=commune
        )
    product = find_product(producer=producer, name=spec.name)
    if product is None:
        subgroup = ProductCategory.objects.get(system="2026", code=spec.subgroup)
        product = create_product(
            actor=officer,
            name=spec.name,
            producer=producer,
            location=commune,
            group=subgroup.maps_to,
            subgroup=subgroup,
            description=spec.description,
            status=ProductStatus.PRODUCING,
        )
        result.add("products")
    return product


def _review(officer, item, users, spec: DemoProduct) -> None:
    """The advisory team's review: a site survey (when the demo has one), then the report to the chair."""
    if advisory.has_report(item):
        return
    if spec.survey is not None and not SiteSurvey.objects.filter(review__item=item).exists():
        surveyed_on, participants, findings = spec.survey
        advisory.schedule_survey(
            actor=users[ADVISORY], item=item, surveyed_on=surveyed_on, participants=participants, findings=findings
        )
    advisory.write_report(actor=users[ADVISORY], item=item, **REPORT)


def _score(item, users, spec: DemoProduct, result) -> None:
    """Conflict, sheets, minimums, lock and approval by whoever presides; each step only if not done yet."""
    item.refresh_from_db()
    if item.status == ItemStatus.SCORING:
        if spec.conflict is not None:
            username, reason = spec.conflict
            if not Conflict.objects.filter(item=item, member__user=users[username]).exists():
                council.declare_conflict(actor=users[username], item=item, reason=reason)
        submitted = set(
            Scoresheet.objects.filter(item=item, status=SheetStatus.SUBMITTED).values_list(
                "member__user__username", flat=True
            )
        )
        for username, total in spec.totals.items():
            if username not in submitted:
                score_to(item, users[username], total)
                result.add("sheets")
        result.add("minimums", record_minimums(item, users[SECRETARY], skip_recorded=True))
        presiding = council.presiding_member(item)
        council.lock_item(actor=presiding.user, item=item)
        item.refresh_from_db()
    if item.status == ItemStatus.LOCKED:
        presiding = council.presiding_member(item)
        council.approve_item(actor=presiding.user, item=item)
        result.add("approved")
        item.refresh_from_db()


# ── The round being scored on the demo's day ───────────────────────────────────────────────────────────────────────

LIVE_ROUND_TITLE = "Đợt đánh giá, phân hạng sản phẩm OCOP cấp tỉnh đang chấm (dữ liệu minh họa)"
LIVE_ROUND_DAYS = (-3, 11)  # from / to, in days from the demo's day
LIVE_PRODUCTS = [
    DemoProduct(
        key="C",
        name="Chè shan tuyết Phình Giàng",
        producer="HTX Chè Phình Giàng",
        producer_type="htx",
        commune="2025:03382",
        subgroup="11",
        description="Chè shan tuyết cổ thụ hái tại các bản của xã Phình Giàng (dữ liệu minh họa).",
        # username → the member's sheet: a total (submitted) or how many criteria are answered so far (a draft)
        totals={"hoidong.dienbien": 78},
    ),
    DemoProduct(
        key="D",
        name="Tỏi tía Mường Phăng",
        producer="Chủ thể tại xã Mường Phăng",
        producer_type="ho",
        commune="2025:03325",
        subgroup="10",
        description="Tỏi tía trồng trên nương của xã Mường Phăng, phơi khô tại cơ sở (dữ liệu minh họa).",
        totals={},
        survey=(None, "Tổ tư vấn OCOP tỉnh Điện Biên", ""),
    ),
]
LIVE_DRAFTS = {"C": {"pct.dienbien": 0.5, "hoidong2.dienbien": 0.25}}  # key → username → share of criteria answered


def _fill_part(item, user, share: float) -> None:
    """A draft sheet: the member has chosen the top option of the first `share` of the criteria."""
    criteria = list(Criterion.objects.filter(scope=item.sheet).prefetch_related("options").order_by("position"))
    for criterion in criteria[: max(1, int(len(criteria) * share))]:
        option = max(criterion.options.all(), key=lambda o: o.points)
        council.choose_option(actor=user, item=item, criterion=criterion, option=option)


def _live_round(officer, users, result, day) -> EvaluationRound:
    province = get_unit(PROVINCE)
    evaluation_round = EvaluationRound.objects.filter(province=province, title=LIVE_ROUND_TITLE).first()
    if evaluation_round is not None:
        return evaluation_round
    starts_on, ends_on = (day + datetime.timedelta(days=n) for n in LIVE_ROUND_DAYS)
    criteria_set = (
        CriteriaSet.objects.in_force(starts_on)
        .filter(status="published", valid_from__lte=starts_on)
        .order_by("-valid_from")
        .first()
    )
    evaluation_round = council.create_round(
        actor=officer,
        province=province,
        title=LIVE_ROUND_TITLE,
        starts_on=starts_on,
        ends_on=ends_on,
        criteria_set=criteria_set,
    )
    result.add("rounds")
    for username, role in COUNCIL:
        council.add_member(actor=officer, evaluation_round=evaluation_round, user=users[username], role=role)
        result.add("members")
    for spec in LIVE_PRODUCTS:
        product = _product(officer, spec, result)
        item = council.add_product(actor=officer, evaluation_round=evaluation_round, product=product)
        result.items[spec.key] = item
        if spec.survey is not None:
            _surveyed_on, participants, _findings = spec.survey
            surveyed_on = day + datetime.timedelta(days=2)
            advisory.schedule_survey(
                actor=users[ADVISORY], item=item, surveyed_on=surveyed_on, participants=participants, findings=""
            )
            continue
        advisory.write_report(actor=users[ADVISORY], item=item, **REPORT)
        for username, total in spec.totals.items():
            score_to(item, users[username], total)
            result.add("sheets")
        for username, share in LIVE_DRAFTS.get(spec.key, {}).items():
            _fill_part(item, users[username], share)
            result.add("drafts")
    return evaluation_round


def load_demo_evaluation() -> DemoResult:
    """Create the demo round and its two products' path to recognition; idempotent (a second run writes nothing)."""
    result = DemoResult()
    with transaction.atomic():
        users = _users()
        officer = users[OFFICER]
        evaluation_round = _round(officer, users, result)
        result.round = evaluation_round
        for spec in PRODUCTS:
            product = _product(officer, spec, result)
            item = council.add_product(actor=officer, evaluation_round=evaluation_round, product=product)
            _review(officer, item, users, spec)
            _score(item, users, spec, result)
            result.items[spec.key] = item
        today = timezone.localdate()  # the council's approval above is stamped now: the documents follow it
        item_a, item_b = result.items["A"], result.items["B"]
        if not MinistryProposal.objects.filter(item=item_a).exists():
            proposals.propose_to_ministry(
                actor=officer,
                evaluation_round=evaluation_round,
                items=[item_a],
                approval_date=today,
                letter_date=today,
                **MINISTRY,
            )
            result.add("proposals")
        if not Certificate.objects.filter(product=item_b.product_id).exists():
            issued = proposals.issue_decision(
                actor=officer,
                evaluation_round=evaluation_round,
                level=IssuingLevel.PROVINCE,
                number=DECISION_NO,
                date=today,
            )
            result.add("certificates", sum(outcome == "created" for _item, _cert, outcome in issued.certificates))
        from accounts.demo import demo_day

        result.live_round = _live_round(officer, users, result, demo_day())
    return result
