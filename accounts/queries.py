"""Reads shared by the account pages: people, units and producers an officer may reach, for lists and pickers.

Every read starts from a scoped queryset (DESIGN.md rule 2). A person is in an officer's reach when one of their
memberships (active or revoked, so a deactivated account stays on record) lies in the officer's area.
"""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.scope import area_scope
from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from core.text import fold

VIEW = "accounts.view_members"
MANAGE = "accounts.manage_members"
PICK_LIMIT = 50


def users_for(actor, action: str = VIEW):
    if area_scope(actor, action).everywhere:
        return User.objects.all()
    return User.objects.filter(pk__in=Membership.objects.for_user(actor, action).values("user_id"))


def search(qs, text: str, field: str = "search_name"):
    """Every folded word of `text` must appear in the folded `field`: 'thanh yen' finds 'Thanh Yên'."""
    for word in fold(text).split():
        qs = qs.filter(**{f"{field}__contains": word})
    return qs


def account_rows(actor, *, text: str = "", role: str = "", status: str = ""):
    """The people list: each user with their active memberships (and units) and linked producers, in 3 queries."""
    from producers.models import Producer

    qs = users_for(actor)
    if text:
        qs = search(qs, text)
    if role:
        qs = qs.filter(memberships__role=role, memberships__revoked_at__isnull=True)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return (
        qs.distinct()
        .order_by("search_name", "pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().select_related("area").order_by("created_at"),
                to_attr="active_memberships",
            ),
            Prefetch("producers", queryset=Producer.objects.only("pk", "name"), to_attr="linked_producers"),
        )
    )


def assignable_units(actor, text: str = ""):
    """Units of the current scheme (provinces and communes in force today) where `actor` may give roles."""
    qs = (
        AdministrativeUnit.objects.for_user(actor, MANAGE)
        .filter(scheme=Scheme.S2025, level__in=[Level.PROVINCE, Level.COMMUNE])
        .valid_on(timezone.localdate())
        .select_related("province")
    )
    if text:
        qs = search(qs, text)
    elif area_scope(actor, MANAGE).everywhere:
        qs = qs.filter(level=Level.PROVINCE)  # the whole country: provinces until the person searches
    order = Case(When(level=Level.PROVINCE, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(level_order=order).order_by("level_order", "search_name", "code")


def unit_label(unit) -> str:
    if unit.level == Level.COMMUNE and unit.province_id:
        return f"{unit.name} ({unit.province.name})"
    return unit.name


def linkable_producers(actor, text: str = ""):
    from producers.models import Producer

    qs = Producer.objects.for_user(actor, MANAGE).select_related("location")
    if text:
        qs = search(qs, text)
    return qs.order_by("search_name", "pk")


def main_area(user):
    """Where a person's records belong, for the audit entries about them: their first active (else any) membership."""
    membership = (
        Membership.objects.filter(user=user).select_related("area").order_by("revoked_at", "created_at", "pk").first()
    )
    return membership.area if membership else None


# The level of unit each role is given at: a province office works for the province, a producer in its commune.
ROLE_LEVELS = {
    Role.PROVINCE_OFFICER: {Level.PROVINCE},
    Role.COUNCIL_MEMBER: {Level.PROVINCE},
    Role.ADVISORY_MEMBER: {Level.PROVINCE},
    Role.COMMUNE_OFFICER: {Level.COMMUNE},
    Role.PRODUCER: {Level.COMMUNE},
    Role.VIEWER: {Level.PROVINCE, Level.COMMUNE},
}


def grantable_roles(actor) -> list[tuple[str, str]]:
    """The roles `actor` may give: all but system administrator, which only a nationwide administrator gives."""
    nationwide = actor is None or area_scope(actor, "areas.manage").everywhere
    return [(value, label) for value, label in Role.choices if nationwide or value != Role.SYSTEM_ADMIN]
