"""Who is told at a workflow step: the officers whose role and area reach a place, and a producer's own accounts.

`officers(action, unit)` gives the active users holding an active membership whose role allows `action`
(accounts.roles) in an area that reaches `unit` the way accounts.scope does: the unit itself or its counterparts across
the 2025 reform, its district, or its province (and that province's counterparts). Nationwide roles (the system
administrator) are left out: they reach every unit of the country and are not a step's next officer. Two queries
whatever the number of people.
"""

from accounts.models import Membership
from accounts.roles import NATIONWIDE_ROLES
from accounts.scope import roles_for
from areas.filters import with_counterparts


def areas_reaching(unit) -> set[int]:
    """Ids of the areas a membership may hold to reach `unit` (accounts.scope.AreaScope.contains, read backwards)."""
    if unit is None:
        return set()
    own = {pk for pk in (unit.pk, unit.province_id) if pk}
    found = with_counterparts(own)
    if unit.district_id:
        found.add(unit.district_id)
    return found


def officers(action: str, unit, exclude=None) -> list:
    """Active users whose role allows `action` where `unit` lies (nationwide roles left out); `exclude`: a user
    (the actor) not to tell about their own step."""
    roles = [role for role in roles_for(action) if role not in NATIONWIDE_ROLES]
    areas = areas_reaching(unit)
    if not roles or not areas:
        return []
    memberships = (
        Membership.objects.active()
        .filter(role__in=roles, area_id__in=areas, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    skip = getattr(exclude, "pk", None)
    return [user for pk, user in {m.user_id: m.user for m in memberships}.items() if pk != skip]


def producer_accounts(producer, exclude=None) -> list:
    """The active accounts linked to the producer (Producer.accounts), the actor left out."""
    if producer is None:
        return []
    skip = getattr(exclude, "pk", None)
    return [user for user in producer.accounts.filter(is_active=True).order_by("pk") if user.pk != skip]
