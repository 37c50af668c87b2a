"""The watch-list flags of certified products, computed on demand from the records and never stored.

`flags_for(products, day)` answers {product pk: [Flag]} in two queries whatever the number of products; the
thresholds come from settings.MONITORING_FLAGS at call time:

- "display-only" (chỉ trưng bày): for the last completed year (day.year − 1), in which the product was certified, its
  approved report states zero output or zero revenue; or, once that report's due date (MONITORING_REPORT_DUE) has
  passed, there is no approved report for it.
- "shrinking-area": the raw-material area of the product's latest approved report is down by at least
  `shrinking_area_percent` from the approved report of the year before (both stating an area, the earlier above 0).
- "expiring-no-dossier": the certificate the product holds on `day` (the latest begun among those valid that day,
  as certification.queries.holding_on) has its last valid day within `expiring_days` days of `day`
  (valid_until ≤ day + expiring_days), and no re-rating dossier (DossierKind.RERATING) was filed (first submitted)
  on or after the date of its decision.
- "no-promotion": the product holds a valid certificate on `day`, its first recognition (the earliest decision date
  of its certificates) is at least `no_promotion_months` months before `day`, and it took part (accepted) in no
  event, not cancelled, begun by `day` and ending on or after that first recognition — the rule of
  programme.event_queries.never_promoted, counted from the first recognition.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import Certificate, valid_on_q
from products.choices import DossierKind
from products.models import Dossier, Product
from programme.models import MonitoringReport, Participation, ParticipationStatus, ReportStatus
from programme.monitoring_queries import certified_in_year_q, due_date

DISPLAY_ONLY, SHRINKING_AREA, EXPIRING_NO_DOSSIER, NO_PROMOTION = (
    "display-only",
    "shrinking-area",
    "expiring-no-dossier",
    "no-promotion",
)
LABELS = {
    DISPLAY_ONLY: gettext_lazy("Chỉ trưng bày"),
    SHRINKING_AREA: gettext_lazy("Vùng nguyên liệu thu hẹp"),
    EXPIRING_NO_DOSSIER: gettext_lazy("Sắp hết hạn, chưa nộp hồ sơ phân hạng lại"),
    NO_PROMOTION: gettext_lazy("Chưa xúc tiến thương mại từ khi công nhận"),
}
CODES = list(LABELS)


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str


def thresholds() -> dict:
    return dict(settings.MONITORING_FLAGS)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when that day does not exist: 31/03 → 28/02)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y")


def _product_ids(products):
    if hasattr(products, "model") and hasattr(products, "values"):
        if products.query.is_sliced:
            return [p.pk for p in products]
        return products
    return [getattr(p, "pk", p) for p in products]


def annotated(products, day: datetime.date):
    """Products with what the certificate and promotion flags need, as SQL annotations (one query when listed)."""
    last_year = day.year - 1
    current = Certificate.objects.filter(valid_on_q(day), product=OuterRef("pk")).order_by("-valid_from", "-id")
    filed = Dossier.objects.filter(
        product=OuterRef("pk"), kind=DossierKind.RERATING, first_submitted_on__gte=OuterRef("current_decided_on")
    )
    promoted = Participation.products.through.objects.filter(
        product=OuterRef("pk"),
        participation__status=ParticipationStatus.ACCEPTED,
        participation__event__cancelled_at__isnull=True,
        participation__event__start_date__lte=day,
        participation__event__end_date__gte=OuterRef("first_recognised_on"),
    )
    first = (
        Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day)
        .order_by()
        .values("product")
        .annotate(first=Min("decision__date"))
        .values("first")
    )
    return products.annotate(
        current_valid_until=Subquery(current.values("valid_until")[:1]),
        current_decided_on=Subquery(current.values("decision__date")[:1]),
        first_recognised_on=Subquery(first[:1]),
        certified_last_year=Exists(Certificate.objects.filter(certified_in_year_q(last_year), product=OuterRef("pk"))),
    ).annotate(rerating_filed=Exists(filed), promoted=Exists(promoted))


def flags_for(products, day: datetime.date) -> dict[int, list[Flag]]:
    """{product pk: its flags on `day`} for a queryset of products (or an iterable of products or pks); products
    without a flag are absent. Two queries."""
    limits = thresholds()
    ids = _product_ids(products)
    base = ids if hasattr(ids, "model") else Product.objects.filter(pk__in=list(ids))
    rows = list(
        annotated(base.order_by(), day).values(
            "pk",
            "current_valid_until",
            "current_decided_on",
            "first_recognised_on",
            "certified_last_year",
            "rerating_filed",
            "promoted",
        )
    )
    if not rows:
        return {}
    reports = {}
    for r in (
        MonitoringReport.objects.filter(product_id__in=[row["pk"] for row in rows], status=ReportStatus.APPROVED)
        .order_by("product_id", "year")
        .values("product_id", "year", "output_quantity", "revenue", "raw_material_area_ha")
    ):
        reports.setdefault(r["product_id"], {})[r["year"]] = r
    found: dict[int, list[Flag]] = {}
    for row in rows:
        flags = _flags_of(row, reports.get(row["pk"], {}), day, limits)
        if flags:
            found[row["pk"]] = flags
    return found


def _flags_of(row, reports: dict, day, limits) -> list[Flag]:
    flags = []
    last_year = day.year - 1
    if row["certified_last_year"]:
        report = reports.get(last_year)
        if report is not None and (report["output_quantity"] == 0 or report["revenue"] == 0):
            what = _("không có sản lượng") if report["output_quantity"] == 0 else _("không có doanh thu")
            flags.append(
                Flag(
                    DISPLAY_ONLY,
                    str(LABELS[DISPLAY_ONLY]),
                    _("Báo cáo năm %(y)s: %(w)s.") % {"y": last_year, "w": what},
                )
            )
        elif report is None and day > due_date(last_year):
            flags.append(
                Flag(
                    DISPLAY_ONLY,
                    str(LABELS[DISPLAY_ONLY]),
                    _("Chưa có báo cáo năm %(y)s được duyệt (hạn %(d)s).")
                    % {"y": last_year, "d": _fmt(due_date(last_year))},
                )
            )
    shrinking = _shrinking(reports, limits["shrinking_area_percent"])
    if shrinking:
        flags.append(Flag(SHRINKING_AREA, str(LABELS[SHRINKING_AREA]), shrinking))
    until = row["current_valid_until"]
    if (
        until is not None
        and until <= day + datetime.timedelta(days=limits["expiring_days"])
        and not row["rerating_filed"]
    ):
        flags.append(
            Flag(
                EXPIRING_NO_DOSSIER,
                str(LABELS[EXPIRING_NO_DOSSIER]),
                _("Giấy chứng nhận hiệu lực đến %(d)s (còn %(n)s ngày); chưa nộp hồ sơ đánh giá, phân hạng lại.")
                % {"d": _fmt(until), "n": (until - day).days},
            )
        )
    first = row["first_recognised_on"]
    if (
        until is not None
        and first is not None
        and first <= months_before(day, limits["no_promotion_months"])
        and not row["promoted"]
    ):
        flags.append(
            Flag(
                NO_PROMOTION,
                str(LABELS[NO_PROMOTION]),
                _("Công nhận lần đầu ngày %(d)s; chưa tham gia sự kiện xúc tiến thương mại nào từ đó.")
                % {"d": _fmt(first)},
            )
        )
    return flags


def _shrinking(reports: dict, percent) -> str:
    """The shrinking-area detail, or "": the latest approved report stating an area against the year before."""
    with_area = [y for y, r in reports.items() if r["raw_material_area_ha"] is not None]
    if not with_area:
        return ""
    year = max(with_area)
    previous = reports.get(year - 1)
    if previous is None or not previous["raw_material_area_ha"]:
        return ""
    now, before = reports[year]["raw_material_area_ha"], previous["raw_material_area_ha"]
    # (before − now) / before ≥ percent / 100, compared without division so 20 % is exactly 20 %
    if (before - now) * 100 < Decimal(percent) * before:
        return ""
    drop = (before - now) * 100 / before
    return _("Diện tích vùng nguyên liệu năm %(y)s: %(now)s ha, giảm %(p)s%% so với năm %(py)s (%(before)s ha).") % {
        "y": year,
        "now": number_format(now, decimal_pos=2, use_l10n=True),
        "p": number_format(drop, decimal_pos=1, use_l10n=True),
        "py": year - 1,
        "before": number_format(before, decimal_pos=2, use_l10n=True),
    }
