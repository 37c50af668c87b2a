"""The daily reminder of the yearly monitoring reports (settings.PERIODIC_JOBS["monitoring-reminders"]).

For the report year whose reminder window has opened — the last completed year once the day is within
MONITORING_REMINDER_DAYS of its due date (MONITORING_REPORT_DUE of the next year), else the year before it — every
product certified during that year whose report is missing, being written or returned is reminded to the accounts
linked to its producer and to the commune officers of its commune (certification.notices: its current commune, or
its registered commune and their counterparts across the 2025 reform). A submitted report waits for the province and
an approved one is done: neither is reminded. Each product, year and stage ("due-soon" up to the due date,
"overdue" after it) is told once: the notifications' dedupe key names them, so a rerun or a missed day caught up
sends nothing twice. One audit entry per run that told anyone.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.roles import Role
from areas.models import Succession
from core import audit
from notifications.services import Message, notify_many
from products.models import Product
from programme.models import MonitoringReport, ReportStatus
from programme.monitoring_queries import certified_in_year, due_date

KIND_REMINDER = "programme.monitoring.reminder"
DUE_SOON, OVERDUE = "due-soon", "overdue"


def reminder_year(day: datetime.date) -> int:
    """The report year the reminders of `day` are about."""
    year = day.year - 1
    opens = due_date(year) - datetime.timedelta(days=settings.MONITORING_REMINDER_DAYS)
    return year if day >= opens else year - 1


def products_to_remind(year: int):
    """Products certified during `year` without a submitted or approved report for it."""
    done = MonitoringReport.objects.filter(
        product=OuterRef("pk"), year=year, status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]
    )
    return certified_in_year(Product.objects.all(), year).exclude(Exists(done))


def _commune_officers_by_unit(products) -> dict[int, set]:
    """For each product, its commune officers' user objects, in two queries for all of them."""
    wanted = {}
    for product in products:
        wanted[product.pk] = (
            {product.location_id, product.current_location_id} if product.current_location_id else {product.location_id}
        )
    plain = {p.location_id for p in products if not p.current_location_id}
    counterparts: dict[int, set[int]] = {unit: {unit} for unit in plain}
    if plain:
        for pred, succ in Succession.objects.filter(
            Q(predecessor_id__in=plain) | Q(successor_id__in=plain)
        ).values_list("predecessor_id", "successor_id"):
            for unit in (pred, succ):
                if unit in counterparts:
                    counterparts[unit].update((pred, succ))
    for product in products:
        if not product.current_location_id:
            wanted[product.pk] = counterparts[product.location_id]
    units = set().union(*wanted.values()) if wanted else set()
    officers: dict[int, dict] = {}
    for m in (
        Membership.objects.active()
        .filter(role=Role.COMMUNE_OFFICER, area_id__in=units, user__is_active=True)
        .select_related("user")
    ):
        officers.setdefault(m.area_id, {})[m.user_id] = m.user
    return {
        pk: {user for unit in unit_ids for user in officers.get(unit, {}).values()} for pk, unit_ids in wanted.items()
    }


def send_monitoring_reminders(day) -> dict:
    """Remind what is due or overdue on `day` (a date or YYYY-MM-DD); returns the counts."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    year = reminder_year(day)
    due = due_date(year)
    stage = DUE_SOON if day <= due else OVERDUE
    accounts = Prefetch("producer__accounts")
    products = list(products_to_remind(year).select_related("producer").prefetch_related(accounts).order_by("pk"))
    officers = _commune_officers_by_unit(products)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for product in products:
            facts = {"p": product.name, "c": product.producer.name, "y": year, "d": due.strftime("%d/%m/%Y")}
            if stage == DUE_SOON:
                title = _("Sắp đến hạn báo cáo năm %(y)s: %(p)s") % facts
                body = (
                    _(
                        "Báo cáo tình hình sản xuất, kinh doanh năm %(y)s của sản phẩm OCOP %(p)s (%(c)s) cần "
                        "gửi trước hết ngày %(d)s."
                    )
                    % facts
                )
            else:
                title = _("Quá hạn báo cáo năm %(y)s: %(p)s") % facts
                body = (
                    _(
                        "Báo cáo tình hình sản xuất, kinh doanh năm %(y)s của sản phẩm OCOP %(p)s (%(c)s) đã quá hạn "
                        "(hạn %(d)s) mà chưa gửi."
                    )
                    % facts
                )
            url = reverse("programme:monitoring_create") + f"?product={product.pk}&year={year}"
            key = f"{KIND_REMINDER}:{product.pk}:{year}:{stage}"
            recipients = {u.pk: u for u in product.producer.accounts.all() if u.is_active}
            recipients.update({u.pk: u for u in officers.get(product.pk, ())})
            messages += [Message(u, KIND_REMINDER, title, body, url, key) for u in recipients.values()]
    with transaction.atomic():
        created = notify_many(messages)
        if created:
            audit.record(
                actor=None,
                action="programme.monitoring.reminded",
                object_type_label="programme.monitoringreport",
                label=f"{year} {stage}",
                after={
                    "year": year,
                    "stage": stage,
                    "products": sorted({int(n.dedupe_key.split(":")[1]) for n in created}),
                    "notifications": len(created),
                },
            )
    return {
        "date": day.isoformat(),
        "year": year,
        "stage": stage,
        "products": len(products),
        "notifications": len(created),
    }
