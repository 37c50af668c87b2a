"""Reads over training courses, communication campaigns and honours: who may see what, and the yearly report."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from accounts.scope import acts_only_as_producer
from areas.choices import Level
from areas.filters import within
from areas.models import AdministrativeUnit, Succession
from core.scoping import scope_q
from programme.models import Channel, CommunicationCampaign, Honour, TrainingCourse, TrainingKind

VIEW = "programme.view"
MANAGE = "programme.manage_training"
HONOUR_ACTION = "programme.approve_monitoring"


def _placed_for(model, user, action):
    """Records of `model` that `user` reaches for `action`: those of the provinces in their scope, those a district or
    commune of their scope organised and, for courses, those their communes' people attended. A commune officer thus
    sees the province's courses their commune took part in, not the whole province's."""
    if not user.has_perm(action):
        return model.objects.none()
    recorded = scope_q(user, action, "province")
    if recorded is None:
        return model.objects.all()
    q = recorded | scope_q(user, action, "area")
    if model is TrainingCourse:
        attended = TrainingCourse.communes.through.objects.filter(scope_q(user, action, "administrativeunit")).values(
            "trainingcourse_id"
        )
        q |= Q(pk__in=attended)
    return model.objects.filter(q)


def courses_for(user):
    return _placed_for(TrainingCourse, user, VIEW)


def campaigns_for(user):
    return _placed_for(CommunicationCampaign, user, VIEW)


def managed_courses(user):
    """Courses `user` may edit: their province's, or (a commune officer) those their own commune organised."""
    if not user.has_perm(MANAGE):
        return TrainingCourse.objects.none()
    recorded = scope_q(user, MANAGE, "province")
    if recorded is None:
        return TrainingCourse.objects.all()
    return TrainingCourse.objects.filter(recorded | (scope_q(user, MANAGE, "area") & Q(area__level=Level.COMMUNE)))


def managed_campaigns(user):
    if not user.has_perm(MANAGE):
        return CommunicationCampaign.objects.none()
    recorded = scope_q(user, MANAGE, "province")
    if recorded is None:
        return CommunicationCampaign.objects.all()
    return CommunicationCampaign.objects.filter(
        recorded | (scope_q(user, MANAGE, "area") & Q(area__level=Level.COMMUNE))
    )


def honours_for(user):
    """Honours `user` may read: the province's for its officers; for a commune's people those of honourees placed in
    their commune; for a producer account, its own producers' and their products'."""
    if not user.has_perm(VIEW):
        return Honour.objects.none()
    if acts_only_as_producer(user):
        return Honour.objects.filter(
            Q(producer__in=user.producers.values("pk")) | Q(product__producer__in=user.producers.values("pk"))
        )
    recorded = scope_q(user, VIEW, "province")
    if recorded is None:
        return Honour.objects.all()
    return Honour.objects.filter(
        recorded | scope_q(user, VIEW, "producer__location") | scope_q(user, VIEW, "product__location")
    )


def managed_honours(user):
    return Honour.objects.for_user(user, HONOUR_ACTION)


def product_honours(product):
    """The product's honours and its producer's, newest first."""
    return (
        Honour.objects.filter(Q(product=product) | Q(producer_id=product.producer_id))
        .select_related("province", "producer", "product")
        .order_by("-year", "-id")
    )


# --- the yearly report ---------------------------------------------------------------------------------------------


def course_area_q(area):
    return within(area, "communes") | within(area, "area") | within(area, "province")


def campaign_area_q(area):
    return within(area, "area") | within(area, "province")


@dataclass
class CourseFigures:
    courses: int = 0
    participants: int = 0
    women: int = 0
    ethnic_minority: int = 0
    cost: int = 0


@dataclass
class CampaignFigures:
    campaigns: int = 0
    reach: int = 0
    items: int = 0


@dataclass
class KindRow(CourseFigures):
    kind: str = ""

    @property
    def label(self):
        return TrainingKind(self.kind).label


@dataclass
class ChannelRow(CampaignFigures):
    channel: str = ""

    @property
    def label(self):
        return Channel(self.channel).label


@dataclass
class ChildRow:
    unit: AdministrativeUnit
    courses: CourseFigures
    campaigns: CampaignFigures


@dataclass
class TrainingReport:
    year: int
    area: object
    kinds: list = field(default_factory=list)
    channels: list = field(default_factory=list)
    courses: CourseFigures = field(default_factory=CourseFigures)
    campaigns: CampaignFigures = field(default_factory=CampaignFigures)
    children: list = field(default_factory=list)


COURSE_SUMS = {
    "courses": lambda f: Count("pk", filter=f),
    "participants": lambda f: Sum("participants", filter=f),
    "women": lambda f: Sum("participants_women", filter=f),
    "ethnic_minority": lambda f: Sum("participants_ethnic_minority", filter=f),
    "cost": lambda f: Sum("cost", filter=f),
}
CAMPAIGN_SUMS = {
    "campaigns": lambda f: Count("pk", filter=f),
    "reach": lambda f: Sum("reach", filter=f),
    "items": lambda f: Sum("items", filter=f),
}


def report_courses(user, *, year, area=None):
    """Courses (not cancelled) starting in `year` that `user` may see, within `area` (either scheme) if given: those
    its communes' people attended, or that it organised, or that its province records."""
    qs = courses_for(user).filter(cancelled_at__isnull=True, start_date__year=year)
    if area is not None:
        # the communes join may repeat a course: filter by its id so that every course counts once
        qs = TrainingCourse.objects.filter(pk__in=qs.filter(course_area_q(area)).values("pk"))
    return qs


def report_campaigns(user, *, year, area=None):
    qs = campaigns_for(user).filter(cancelled_at__isnull=True, start_date__year=year)
    if area is not None:
        qs = qs.filter(campaign_area_q(area))
    return qs


def _children(area):
    """The units one level down: a province's districts (before 07/2025) or communes (after), a district's communes."""
    if area is None or area.level == Level.COMMUNE:
        return []
    return list(AdministrativeUnit.objects.filter(parent=area).order_by("code"))


def _child_filters(children):
    """For each child unit, the filters of the courses and campaigns placed in it, built without a query per child:
    communes reach their counterparts across the reform (one query for all), districts their old communes."""
    counterparts = {child.pk: {child.pk} for child in children}
    communes = [child.pk for child in children if child.level == Level.COMMUNE]
    if communes:
        rows = Succession.objects.filter(Q(predecessor_id__in=communes) | Q(successor_id__in=communes))
        for pred, succ in rows.values_list("predecessor_id", "successor_id"):
            for unit_id in (pred, succ):
                if unit_id in counterparts:
                    counterparts[unit_id].update((pred, succ))
    through = TrainingCourse.communes.through.objects
    filters = []
    for child in children:
        if child.level == Level.DISTRICT:
            attended = through.filter(administrativeunit__district=child).values("trainingcourse_id")
            placed = Q(area=child) | Q(area__district=child)
        else:
            ids = counterparts[child.pk]
            attended = through.filter(administrativeunit_id__in=ids).values("trainingcourse_id")
            placed = Q(area_id__in=ids)
        filters.append((Q(pk__in=attended) | placed, placed))
    return filters


def training_report(user, *, year: int, area=None) -> TrainingReport:
    """Courses by kind and campaigns by channel in `year` (start date), for `area` or everything `user` may see, and
    the same figures one level down. A fixed number of queries whatever the number of records or child units; every
    figure is a SQL Count or Sum. A course attended by several communes counts once in the total and once under each
    child unit it reaches, so the child rows may add up to more than the total."""
    courses = report_courses(user, year=year, area=area)
    campaigns = report_campaigns(user, year=year, area=area)
    report = TrainingReport(year=year, area=area)
    no_filter = Q()
    course_totals = courses.aggregate(**{name: make(no_filter) for name, make in COURSE_SUMS.items()})
    report.courses = CourseFigures(**{name: int(course_totals[name] or 0) for name in COURSE_SUMS})
    campaign_totals = campaigns.aggregate(**{name: make(no_filter) for name, make in CAMPAIGN_SUMS.items()})
    report.campaigns = CampaignFigures(**{name: int(campaign_totals[name] or 0) for name in CAMPAIGN_SUMS})
    by_kind = {
        r["kind"]: r
        for r in courses.values("kind").annotate(**{n: m(no_filter) for n, m in COURSE_SUMS.items()}).order_by()
    }
    report.kinds = [
        KindRow(kind=kind, **{name: int(by_kind[kind][name] or 0) for name in COURSE_SUMS})
        for kind in TrainingKind.values
        if kind in by_kind
    ]
    by_channel = {
        r["channel"]: r
        for r in campaigns.values("channel").annotate(**{n: m(no_filter) for n, m in CAMPAIGN_SUMS.items()}).order_by()
    }
    report.channels = [
        ChannelRow(channel=channel, **{name: int(by_channel[channel][name] or 0) for name in CAMPAIGN_SUMS})
        for channel in Channel.values
        if channel in by_channel
    ]
    children = _children(area)
    if children:
        filters = _child_filters(children)
        course_row = courses.aggregate(
            **{
                f"{i}_{name}": make(course_q)
                for i, (course_q, _placed) in enumerate(filters)
                for name, make in COURSE_SUMS.items()
            }
        )
        campaign_row = campaigns.aggregate(
            **{
                f"{i}_{name}": make(placed)
                for i, (_course_q, placed) in enumerate(filters)
                for name, make in CAMPAIGN_SUMS.items()
            }
        )
        report.children = [
            ChildRow(
                unit=child,
                courses=CourseFigures(**{name: int(course_row[f"{i}_{name}"] or 0) for name in COURSE_SUMS}),
                campaigns=CampaignFigures(**{name: int(campaign_row[f"{i}_{name}"] or 0) for name in CAMPAIGN_SUMS}),
            )
            for i, child in enumerate(children)
        ]
    return report
