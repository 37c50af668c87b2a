"""Plan against actual, computed from the records (issue 17): how far each product a plan names has come
(`line_progress`), and each target with the figure the records give for it (`plan_vs_actual`).

Nothing here is stored: the targets and lines are the plans' rows, every actual is a query over the register
(certificates, round items, dossiers, ideas, ministry proposals, linkage projects, NTM recognitions, support lines),
so the page, its Excel, the narrative and the API cannot disagree. The rules are in docs/programme-plan-actual.md.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from areas.choices import Level
from areas.filters import within
from areas.models import Succession
from areas.queries import Country, nationwide, scheme_on
from certification.choices import DecisionKind
from certification.models import Certificate
from core.errors import DomainError, NotFound
from evaluation.council_models import ItemStatus, MinistryProposal, RoundItem
from products.choices import CategoryLevel, DossierKind, DossierStatus, IdeaStatus
from products.models import Dossier, Product, ProductIdea
from programme.models import AnnualPlan, LineAction, LinkageProject, PlanLine, PlanTarget, SupportLine, TargetMetric
from programme.models.plans import MAX_YEAR, MIN_YEAR

__all__ = [
    "ACHIEVED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "STEPS",
    "LineProgress",
    "PlanActual",
    "TargetRow",
    "line_progress",
    "plan_vs_actual",
    "target_records",
]

VIEW = "programme.view"

ACHIEVED, IN_PROGRESS, NOT_STARTED = "achieved", "in-progress", "not-started"

# The blocking steps in the order a product goes through them; the first not passed is the one shown.
STEPS = (
    "no-idea",
    "idea-submitted",
    "idea-returned",
    "no-dossier",
    "dossier-draft",
    "dossier-submitted",
    "dossier-returned",
    "dossier-forwarded",
    "province-returned",
    "in-round",
    "failed",
    "awaiting-decision",
    "stars-short",
    "support-pending",
    "achieved",
)
# Nothing has been filed for the product yet (no dossier): the plan's work on it has not started.
NOT_STARTED_STEPS = frozenset({"no-idea", "idea-submitted", "idea-returned", "no-dossier"})

# The decision that achieves each planned action, and the dossier kind that leads to it.
ACTION_DECISION = {
    LineAction.NEW_RECOGNITION: DecisionKind.RECOGNITION,
    LineAction.UPGRADE: DecisionKind.UPGRADE,
    LineAction.RE_RECOGNITION: DecisionKind.RE_RECOGNITION,
}
ACTION_DOSSIER = {
    LineAction.NEW_RECOGNITION: DossierKind.FIRST,
    LineAction.UPGRADE: DossierKind.UPGRADE,
    LineAction.RE_RECOGNITION: DossierKind.RERATING,
}
MIN_CERTIFIED_STARS = 3  # evaluation/data/star_bands.yaml: only 3–5★ are certified OCOP products


@dataclass
class LineProgress:
    """Where one plan line stands on a day: its state, the step that blocks it (or "achieved"), a Vietnamese sentence
    saying so with the date of the last step, and the records behind it (None when there is none)."""

    state: str
    step: str
    label: str
    product: object = None
    idea: object = None
    dossier: object = None
    round_item: object = None
    decision: object = None
    certificate: object = None
    support: list = field(default_factory=list)

    @property
    def achieved(self) -> bool:
        return self.state == ACHIEVED

    @property
    def decision_id(self):
        return self.decision.pk if self.decision is not None else None


def day_text(value) -> str:
    """A date (or a moment, read in local time) as offices write it: 12/05/2026."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def stars_text(stars) -> str:
    return _("%(n)s sao") % {"n": stars}


def _local_day(moment) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def line_progress(lines, as_of: datetime.date) -> dict[int, LineProgress]:
    """{line pk: LineProgress} for any number of plan lines, in a constant number of queries (seven at most).

    A line's stored links (idea, product, round item, decision) are used when set; otherwise they are derived: the
    product of the idea, the product's latest dossier of the planned kind opened by the end of the plan year, its
    latest round item in a round of the plan year, the certificate of the planned kind decided in the plan year (and
    by `as_of`). Statuses of ideas, dossiers and round items are today's: the records keep no history of them.
    """
    pks = [line.pk for line in lines]
    if not pks:
        return {}
    lines = list(
        PlanLine.objects.filter(pk__in=pks).select_related(
            "plan", "idea", "product", "round_item__evaluation_round", "decision"
        )
    )
    years = {line.plan.year for line in lines}

    # Products: the line's own, else its idea's.
    idea_products = {line.idea.product_id for line in lines if line.idea_id and line.idea.product_id}
    linked_products = {line.product_id for line in lines if line.product_id}
    product_ids = idea_products | linked_products
    products = {}
    if idea_products - linked_products:
        products = {p.pk: p for p in Product.objects.filter(pk__in=idea_products - linked_products)}
    for line in lines:
        if line.product_id:
            products[line.product_id] = line.product

    ideas_of_product = {}
    dossiers = defaultdict(list)
    items = defaultdict(list)
    certificates = defaultdict(list)
    supports = defaultdict(list)
    if product_ids:
        ideas_of_product = {
            idea.product_id: idea for idea in ProductIdea.objects.filter(product_id__in=product_ids - idea_products)
        }
        for dossier in Dossier.objects.filter(product_id__in=product_ids).order_by("created_at", "pk"):
            dossiers[dossier.product_id].append(dossier)
        for item in (
            RoundItem.objects.filter(
                product_id__in=product_ids,
                evaluation_round__starts_on__year__in=years,
                evaluation_round__starts_on__lte=as_of,
            )
            .select_related("evaluation_round")
            .order_by("evaluation_round__starts_on", "pk")
        ):
            items[item.product_id].append(item)
        linked_decisions = {line.decision_id for line in lines if line.decision_id}
        for certificate in (
            Certificate.objects.filter(product_id__in=product_ids, decision__date__lte=as_of)
            .filter(Q(decision__date__year__in=years) | Q(decision_id__in=linked_decisions))
            .select_related("decision")
            .order_by("decision__date", "pk")
        ):
            certificates[certificate.product_id].append(certificate)
    for support in SupportLine.objects.filter(
        Q(plan_line_id__in=pks) | Q(product_id__in=product_ids, year__in=years),
        amount_disbursed__gt=0,
        year__lte=as_of.year,
    ).order_by("year", "pk"):
        supports[support.product_id].append(support)
        if support.plan_line_id:
            supports[("line", support.plan_line_id)].append(support)

    found = {}
    for line in lines:
        product_id = line.product_id or (line.idea.product_id if line.idea_id else None)
        found[line.pk] = _progress(
            line,
            product=products.get(product_id),
            idea=line.idea if line.idea_id else ideas_of_product.get(product_id),
            dossiers=dossiers.get(product_id, []),
            items=items.get(product_id, []),
            certificates=certificates.get(product_id, []),
            supports=_supports_of(line, product_id, supports),
        )
    return found


def _supports_of(line, product_id, supports) -> list:
    """Disbursed support lines of the plan year for the line's product, and those recorded against the line."""
    chosen = {s.pk: s for s in supports.get(("line", line.pk), [])}
    for support in supports.get(product_id, []) if product_id else []:
        if support.year == line.plan.year:
            chosen.setdefault(support.pk, support)
    return list(chosen.values())


def _progress(line, *, product, idea, dossiers, items, certificates, supports) -> LineProgress:
    year = line.plan.year
    found = {"product": product, "idea": idea}

    def result(step, label, **records):
        state = ACHIEVED if step == "achieved" else NOT_STARTED if step in NOT_STARTED_STEPS else IN_PROGRESS
        return LineProgress(state=state, step=step, label=label, support=supports, **{**found, **records})

    if line.action == LineAction.SUPPORT:
        if supports:
            total = sum(s.amount_disbursed for s in supports)
            return result(
                "achieved",
                _("Đã giải ngân hỗ trợ %(amount)s đồng năm %(year)s")
                % {"amount": formats.number_format(total, force_grouping=True), "year": year},
            )
        if product is not None:
            return result(
                "support-pending",
                _("Chưa ghi nhận khoản hỗ trợ nào được giải ngân cho sản phẩm trong năm %(year)s") % {"year": year},
            )
        return _before_product(line, idea, result)

    wanted = ACTION_DECISION[line.action]
    certificate = _certificate(line, certificates, wanted, year)
    decision = certificate.decision if certificate is not None else None
    if certificate is not None:
        found.update(decision=decision, certificate=certificate)
        said = {"stars": stars_text(certificate.stars), "no": decision.number, "date": day_text(decision.date)}
        if line.target_stars and certificate.stars < line.target_stars:
            return result(
                "stars-short",
                _("Được công nhận %(stars)s (quyết định %(no)s ngày %(date)s), chưa đạt hạng %(target)s phấn đấu")
                % {**said, "target": stars_text(line.target_stars)},
            )
        return result("achieved", _("Đạt %(stars)s theo quyết định %(no)s ngày %(date)s") % said)
    if product is None:
        return _before_product(line, idea, result)

    item = _round_item(line, items)
    if item is not None:
        found["round_item"] = item
        round_ = item.evaluation_round
        if item.status != ItemStatus.APPROVED:
            return result(
                "in-round",
                _("Đang chấm trong %(round)s (từ ngày %(date)s)")
                % {"round": round_.title, "date": day_text(round_.starts_on)},
            )
        approved_on = day_text(item.approved_at) if item.approved_at else day_text(round_.ends_on)
        if not item.final_stars or item.final_stars < MIN_CERTIFIED_STARS:
            score = formats.number_format(item.mean, decimal_pos=2) if item.mean is not None else "—"
            return result(
                "failed",
                _("Không đạt trong %(round)s (kết quả phê duyệt ngày %(date)s: %(score)s điểm)")
                % {"round": round_.title, "date": approved_on, "score": score},
            )
        return result(
            "awaiting-decision",
            _("Hội đồng đã phê duyệt kết quả %(stars)s ngày %(date)s, chờ quyết định công nhận")
            % {"stars": stars_text(item.final_stars), "date": approved_on},
        )

    dossier = _dossier(line, dossiers, year)
    if dossier is None:
        return result("no-dossier", _("Chưa có hồ sơ sản phẩm"))
    found["dossier"] = dossier
    reason = (dossier.return_reason or "").strip()
    changed = day_text(dossier.updated_at)
    if dossier.status == DossierStatus.DRAFT:
        return result(
            "dossier-draft",
            _("Hồ sơ đang chuẩn bị, chưa nộp xã (mở ngày %(date)s)") % {"date": day_text(dossier.created_at)},
        )
    if dossier.status == DossierStatus.SUBMITTED:
        submitted = day_text(dossier.submitted_on or dossier.updated_at)
        return result("dossier-submitted", _("Hồ sơ đã nộp xã ngày %(date)s, chờ xã xem xét") % {"date": submitted})
    if dossier.status == DossierStatus.RETURNED:
        return result("dossier-returned", _returned(_("Hồ sơ bị xã trả lại ngày %(date)s"), changed, reason))
    if dossier.status == DossierStatus.PROVINCE_RETURNED:
        return result(
            "province-returned", _returned(_("Hồ sơ bị tỉnh yêu cầu hoàn thiện ngày %(date)s"), changed, reason)
        )
    forwarded = day_text(dossier.forwarded_on or dossier.updated_at)
    return result(
        "dossier-forwarded",
        _("Xã đã chuyển hồ sơ lên tỉnh ngày %(date)s, chờ tỉnh đưa vào đợt đánh giá") % {"date": forwarded},
    )


def _returned(sentence, day, reason) -> str:
    text = sentence % {"date": day}
    return f"{text}: {reason}" if reason else text


def _before_product(line, idea, result) -> LineProgress:
    """The steps before a product exists: only a name, or an idea the commune has not accepted."""
    if idea is None:
        return result("no-idea", _("Chưa đăng ký ý tưởng sản phẩm"))
    if idea.status == IdeaStatus.SUBMITTED:
        return result(
            "idea-submitted",
            _("Ý tưởng sản phẩm đã gửi ngày %(date)s, chờ xã sàng lọc") % {"date": day_text(idea.created_at)},
        )
    if idea.status == IdeaStatus.RETURNED:
        reason = (idea.return_reason or "").strip()
        return result(
            "idea-returned",
            _returned(_("Ý tưởng sản phẩm bị xã trả lại ngày %(date)s"), day_text(idea.updated_at), reason),
        )
    return result("no-dossier", _("Ý tưởng đã được xã chấp nhận, chưa có hồ sơ sản phẩm"))


def _certificate(line, certificates, wanted, year):
    """The certificate the line achieved: that of its linked decision, else the best of the planned kind decided in
    the plan year (highest stars, then latest)."""
    if line.decision_id:
        for certificate in certificates:
            if certificate.decision_id == line.decision_id:
                return certificate
    fitting = [c for c in certificates if c.kind == wanted and c.decision.date.year == year]
    if not fitting:
        return None
    return max(fitting, key=lambda c: (c.stars, c.decision.date, c.pk))


def _round_item(line, items):
    if line.round_item_id:
        return line.round_item
    wanted_year = line.plan.year
    fitting = [i for i in items if i.evaluation_round.starts_on.year == wanted_year]
    return fitting[-1] if fitting else None


def _dossier(line, dossiers, year):
    """The product's latest dossier of the planned kind (a first dossier for a new recognition, an upgrade dossier
    for an upgrade, …) opened by the end of the plan year: an older dossier of another kind says nothing of this
    year's work."""
    kind = ACTION_DOSSIER[line.action]
    fitting = [d for d in dossiers if d.kind == kind and _local_day(d.created_at).year <= year]
    return fitting[-1] if fitting else None


# --------------------------------------------------------------------------------------------------------------------
# Targets against actuals


class BadPlanActualRequest(DomainError):
    status = 400


def parse_year(value, field_name: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadPlanActualRequest(_("Năm không hợp lệ: cần 4 chữ số, ví dụ 2026."), field=field_name) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadPlanActualRequest(
            _("Năm phải từ %(low)s đến %(high)s.") % {"low": MIN_YEAR, "high": MAX_YEAR}, field=field_name
        )
    return year


def check_area(user, unit) -> None:
    """A reader sees plan against actual only for an area within their programme.view scope (the whole country only
    with a nationwide scope); anything else answers as an unknown area would (404), so scope does not leak."""
    from accounts.scope import area_scope

    if user is None:
        return
    if isinstance(unit, Country):
        allowed = nationwide(user, VIEW)
    else:
        allowed = user.has_perm(VIEW) and area_scope(user, VIEW).contains(unit)
    if not allowed:
        raise NotFound(_("Không có địa bàn này trong phạm vi của bạn."), field="area")


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


class Counterparts(dict):
    """{unit pk: the unit and its counterparts across the 2025 reform} (what areas.filters.with_counterparts gives
    for one unit), read for many units in one query so that the per-target filters cost no query each."""

    def add(self, units) -> "Counterparts":
        wanted = {u.pk for u in units if u is not None and u.pk is not None and u.pk not in self}
        if not wanted:
            return self
        for pk in wanted:
            self[pk] = {pk}
        pairs = Succession.objects.filter(Q(predecessor_id__in=wanted) | Q(successor_id__in=wanted)).values_list(
            "predecessor_id", "successor_id"
        )
        for predecessor, successor in pairs:
            for pk in (predecessor, successor):
                if pk in wanted:
                    self[pk].update((predecessor, successor))
        return self

    def within(self, unit, path: str) -> Q:
        """areas.filters.within(unit, path) with the counterparts read beforehand."""
        if unit.pk not in self:
            return within(unit, path)
        if unit.level == Level.DISTRICT:  # districts have no successor: their records stay on their old rows
            return Q(**{f"{path}__district": unit}) | Q(**{path: unit})
        ids = self[unit.pk]
        if unit.level == Level.PROVINCE:
            return Q(**{f"{path}__province__in": ids}) | Q(**{f"{path}__in": ids})
        return Q(**{f"{path}__in": ids})

    def own(self, unit) -> set:
        """The units whose plans are the unit's own: itself and its counterparts (a district only itself)."""
        return {unit.pk} if unit.level == Level.DISTRICT else self[unit.pk]


def group_148(group):
    """The 148 group a target's group stands for (Selection.group takes the code of a 148 group): a group of another
    criteria system through its `maps_to`, a sub-group through its parent."""
    if group is None:
        return None
    group = group.group_148 or group
    if group.level == CategoryLevel.SUBGROUP and group.parent_id:
        group = group.parent
    return group


def target_records(area, year: int, metric: str, *, stars=None, group=None, ntm_level: str = "", counterparts=None):
    """The records behind one actual (the drill-down list) for an area of either scheme or the country, in the period
    01/01–31/12 of `year`. Each metric's rule is in docs/programme-plan-actual.md. `counterparts`: a Counterparts
    holding the area (no query then)."""
    from reports.queries import OcopReport, Period, Selection

    counterparts = counterparts if counterparts is not None else Counterparts()

    period = Period(datetime.date(year, 1, 1), year_end(year))
    if metric in (TargetMetric.NEW_PRODUCTS, TargetMetric.GROUP_PRODUCTS):
        code = group_148(group).code if metric == TargetMetric.GROUP_PRODUCTS and group is not None else None
        report = OcopReport(area, as_of=period.end, period=period)
        return report.certificates(Selection(metric="recognized", stars=stars, group=code))
    if metric == TargetMetric.UPGRADE_3_4:
        report = OcopReport(area, as_of=period.end, period=period)
        return report.certificates(Selection(metric="renewed", stars=4)).filter(kind=DecisionKind.UPGRADE)
    if metric == TargetMetric.RE_RECOGNITIONS:
        report = OcopReport(area, as_of=period.end, period=period)
        return report.certificates(Selection(metric="renewed")).filter(kind=DecisionKind.RE_RECOGNITION)
    if metric == TargetMetric.UPGRADE_4_5:
        # proposed to the ministry in the year: the letter's date (evaluation.proposals), placed as the OCOP
        # dashboard places the product
        report = OcopReport(area, as_of=period.end, period=period)
        return MinistryProposal.objects.filter(
            letter_date__gte=period.start,
            letter_date__lte=period.end,
            item__product__in=report.products_in_area().values("pk"),
        )
    if metric == TargetMetric.LINKAGE_MODELS:
        projects = LinkageProject.objects.filter(contract_start__gte=period.start, contract_start__lte=period.end)
        if isinstance(area, Country):
            return projects
        by_commune = counterparts.within(area, "communes")
        # a project recorded without its communes lies where its province lies
        by_province = Q(communes__isnull=True) & counterparts.within(area, "province")
        return projects.filter(pk__in=LinkageProject.objects.filter(by_commune | by_province).values("pk"))
    if metric == TargetMetric.NTM_COMMUNES:
        return ntm_recognitions(area, year, ntm_level, counterparts)
    raise BadPlanActualRequest(_("Chỉ tiêu '%(m)s' không có.") % {"m": metric}, field="metric")


def ntm_recognitions(area, year: int, level: str, counterparts=None):
    """Commune recognitions at `level` taking effect in the year and still in force on 31/12, for the communes of
    the area: ntm.queries.communes_of reaches the year's communes of an area of the other scheme through the
    recorded successions; the area's own communes are added for decisions taken before the reform in 2025."""
    from ntm.choices import RecognitionKind
    from ntm.models import Recognition
    from ntm.queries import communes_of

    qs = Recognition.objects.in_force_on(year_end(year)).filter(
        level=level,
        kind=RecognitionKind.CONG_NHAN,
        village="",
        effective_date__gte=datetime.date(year, 1, 1),
    )
    if isinstance(area, Country):
        return qs
    communes, _through = communes_of(area, year)
    counterparts = counterparts if counterparts is not None else Counterparts()
    return qs.filter(Q(commune__in=communes.values("pk")) | counterparts.within(area, "commune"))


_COUNTED = {
    # what one unit of each actual is: a product, a proposal's product, a project, a commune
    TargetMetric.NEW_PRODUCTS: "product",
    TargetMetric.GROUP_PRODUCTS: "product",
    TargetMetric.UPGRADE_3_4: "product",
    TargetMetric.RE_RECOGNITIONS: "product",
    TargetMetric.UPGRADE_4_5: "item__product",
    TargetMetric.LINKAGE_MODELS: "pk",
    TargetMetric.NTM_COMMUNES: "commune",
}


def count_records(records, metric: str) -> int:
    return records.aggregate(n=Count(_COUNTED[metric], distinct=True))["n"]


def count_rows(rows, unit, year: int, counterparts=None) -> None:
    """Set each row's actual: one aggregate query per kind of record (certificates, proposals, projects,
    recognitions), whatever the number of rows, each row a conditional count over its own selection."""
    counterparts = (counterparts if counterparts is not None else Counterparts()).add(
        [unit if not isinstance(unit, Country) else None, *(row.sub_area for row in rows)]
    )
    by_model = defaultdict(list)
    for row in rows:
        records = target_records(
            row.sub_area or unit,
            year,
            row.metric,
            stars=row.stars,
            group=row.group,
            ntm_level=row.ntm_level,
            counterparts=counterparts,
        )
        by_model[records.model].append((row, records))
    for model, pairs in by_model.items():
        counts = {
            f"row_{n}": Count(_COUNTED[row.metric], distinct=True, filter=Q(pk__in=records.values("pk")))
            for n, (row, records) in enumerate(pairs)
        }
        anywhere = Q()
        for _row, records in pairs:
            anywhere |= Q(pk__in=records.values("pk"))
        found = model.objects.filter(anywhere).aggregate(**counts)
        for n, (row, _records) in enumerate(pairs):
            row.actual = found[f"row_{n}"]


@dataclass
class TargetRow:
    """One target (summed over the plans that set it) with its actual. `sub_area` is where it is counted when that is
    not the area asked for (a sub-area target, or a plan of a unit below it)."""

    metric: str
    stars: int | None
    group: object
    ntm_level: str
    sub_area: object
    target: int = 0
    actual: int = 0
    plan_ids: list = field(default_factory=list)

    @property
    def metric_label(self) -> str:
        return str(TargetMetric(self.metric).label)

    @property
    def qualifiers(self) -> str:
        from ntm.choices import RecognitionLevel

        parts = []
        if self.stars:
            parts.append(stars_text(self.stars))
        if self.group is not None:
            parts.append(str(self.group.name))
        if self.ntm_level:
            parts.append(str(RecognitionLevel(self.ntm_level).label))
        if self.sub_area is not None:
            parts.append(str(self.sub_area.name))
        return ", ".join(parts)

    @property
    def label(self) -> str:
        return f"{self.metric_label} ({self.qualifiers})" if self.qualifiers else self.metric_label

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(self.actual * 100 / self.target)

    @property
    def bar(self) -> int:
        """The progress bar's width: the percentage, capped at 100."""
        return min(self.percent or 0, 100)

    @property
    def met(self) -> bool:
        return self.actual >= self.target

    @property
    def query(self) -> dict:
        """The drill-down's filters beside the area and year (programme:plan_actual_records)."""
        query = {"metric": self.metric}
        if self.stars:
            query["stars"] = self.stars
        if self.group is not None:
            query["group"] = self.group.pk
        if self.ntm_level:
            query["ntm_level"] = self.ntm_level
        if self.sub_area is not None:
            query["sub_area"] = str(self.sub_area.area_id)
        return query


@dataclass
class PlanActual:
    unit: object
    year: int
    as_of: datetime.date
    include_sub_areas: bool
    plans: list
    targets: list
    lines: list  # (line, LineProgress), in plan and position order

    @property
    def scheme_differs(self) -> bool:
        """The area is of the other boundary scheme than the one in force at the end of the year (e.g. 2024 shown
        in 2025 boundaries): the page says so."""
        return self.unit.scheme != scheme_on(year_end(self.year))

    def lines_in(self, state: str) -> list:
        return [(line, progress) for line, progress in self.lines if progress.state == state]

    @property
    def achieved(self) -> list:
        return self.lines_in(ACHIEVED)

    @property
    def in_progress(self) -> list:
        return self.lines_in(IN_PROGRESS)

    @property
    def not_started(self) -> list:
        return self.lines_in(NOT_STARTED)

    @property
    def counts(self) -> dict:
        return {
            "total": len(self.lines),
            ACHIEVED: len(self.achieved),
            IN_PROGRESS: len(self.in_progress),
            NOT_STARTED: len(self.not_started),
        }


def plans_in(unit, year: int, *, user=None, include_sub_areas: bool = False, counterparts=None):
    """The year's plans counted for `unit`: its own and those of its counterparts across the 2025 reform; with
    `include_sub_areas` also those of every unit within it (a 2025 province's view then adds the plans of the old
    districts and communes that lie in it). For the country: the provinces' plans (every plan with sub-areas).
    `user`: only the plans they may read (programme.plan_queries.plans_for)."""
    if user is not None:
        from programme.plan_queries import plans_for

        plans = plans_for(user)
    else:
        plans = AnnualPlan.objects.all()
    plans = plans.filter(year=year)
    if isinstance(unit, Country):
        return plans if include_sub_areas else plans.filter(area__level=Level.PROVINCE)
    counterparts = (counterparts if counterparts is not None else Counterparts()).add([unit])
    if include_sub_areas:
        return plans.filter(counterparts.within(unit, "area"))
    return plans.filter(area_id__in=counterparts.own(unit))


def plan_vs_actual(unit, year: int, *, user=None, include_sub_areas: bool = False, as_of=None) -> PlanActual:
    """Each target of the year's plans for `unit` (summed when several plans set the same metric and qualifiers for
    the same place) with its actual from the records, and the products the plans name with their progress.

    A target counts in its sub-area when it has one, else in the area asked for when its plan is the area's own (or
    a counterpart's across the reform), else in its plan's area (a district's plan seen from its province counts in
    the district). `as_of` (default: 31/12 of the year, or today if earlier) is the day the named products' progress
    is read on. A constant number of queries whatever the number of targets, lines and records."""
    year = parse_year(year)
    as_of = as_of or min(year_end(year), timezone.localdate())
    counterparts = Counterparts()
    plans = list(
        plans_in(unit, year, user=user, include_sub_areas=include_sub_areas, counterparts=counterparts).select_related(
            "area"
        )
    )
    plan_ids = [p.pk for p in plans]
    own = set() if isinstance(unit, Country) else counterparts.own(unit)

    rows: dict[tuple, TargetRow] = {}
    targets = (
        PlanTarget.objects.filter(plan_id__in=plan_ids)
        .select_related("group", "sub_area", "plan__area")
        .order_by("metric", "stars", "id")
    )
    for target in targets:
        place = target.sub_area or (None if target.plan.area_id in own else target.plan.area)
        key = (target.metric, target.stars, target.group_id, target.ntm_level, place.pk if place else None)
        row = rows.get(key)
        if row is None:
            row = rows[key] = TargetRow(target.metric, target.stars, target.group, target.ntm_level, place)
        row.target += target.value
        if target.plan_id not in row.plan_ids:
            row.plan_ids.append(target.plan_id)
    order = {metric: position for position, metric in enumerate(TargetMetric.values)}
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            order[r.metric],
            r.sub_area is not None,
            r.sub_area.code if r.sub_area is not None else "",
            r.stars or 0,
            r.group.name if r.group is not None else "",
            r.ntm_level,
        ),
    )
    count_rows(ordered, unit, year, counterparts)

    lines = PlanLine.objects.filter(plan_id__in=plan_ids)
    if user is not None:
        from accounts.scope import acts_only_as_producer

        if acts_only_as_producer(user):
            lines = lines.filter(producer__accounts=user)
    lines = list(
        lines.select_related("plan__area", "commune", "producer", "product").order_by(
            "plan__area__code", "plan_id", "position", "id"
        )
    )
    progress = line_progress(lines, as_of)
    return PlanActual(
        unit=unit,
        year=year,
        as_of=as_of,
        include_sub_areas=include_sub_areas,
        plans=plans,
        targets=ordered,
        lines=[(line, progress[line.pk]) for line in lines],
    )
