"""Where a user may act: their memberships' areas, widened across the 2025 reform through successions.

A province membership reaches everything in that province and in the provinces it succeeded or was succeeded by;
a commune membership reaches that commune and its predecessors/successors. Computed once per user and action per
request (cached on the user object).
"""

from dataclasses import dataclass

from accounts.roles import ROLE_ACTIONS
from areas.choices import Level
from areas.filters import with_counterparts


@dataclass(frozen=True)
class AreaScope:
    everywhere: bool = False
    province_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()

    def contains(self, unit) -> bool:
        if self.everywhere:
            return True
        if unit is None:
            return False
        return (
            unit.pk in self.unit_ids or unit.province_id in self.province_ids or unit.district_id in self.district_ids
        )


NOWHERE = AreaScope()
EVERYWHERE = AreaScope(everywhere=True)


def roles_for(action: str) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def area_scope(user, action: str) -> AreaScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOWHERE
    if user.is_superuser:
        return EVERYWHERE
    cache = user.__dict__.setdefault("_area_scope_cache", {})
    if action not in cache:
        cache[action] = _compute(user, action)
    return cache[action]


def _compute(user, action: str) -> AreaScope:
    from accounts.models import Membership

    memberships = list(
        Membership.objects.active()
        .filter(user=user, role__in=roles_for(action))
        .select_related("area")
        .only("area__id", "area__level")
    )
    if not memberships:
        return NOWHERE
    if any(m.area_id is None for m in memberships):
        return EVERYWHERE
    provinces = {m.area_id for m in memberships if m.area.level == Level.PROVINCE}
    districts = {m.area_id for m in memberships if m.area.level == Level.DISTRICT}
    communes = {m.area_id for m in memberships if m.area.level == Level.COMMUNE}
    provinces, communes = with_counterparts(provinces), with_counterparts(communes)
    return AreaScope(
        province_ids=frozenset(provinces),
        district_ids=frozenset(districts),
        unit_ids=frozenset(provinces | districts | communes),
    )


def acts_only_as_producer(user) -> bool:
    """A user whose only active role is producer sees only the producers they are linked to, not the whole commune."""
    from accounts.models import Membership
    from accounts.roles import Role

    if not user.is_authenticated or user.is_superuser:
        return False
    cache = user.__dict__.setdefault("_area_scope_cache", {})
    if "__producer_only__" not in cache:
        roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
        cache["__producer_only__"] = roles == {Role.PRODUCER}
    return cache["__producer_only__"]


def require(actor, action: str, unit, message: str) -> None:
    """The check every service makes before writing: `actor` may do `action` where `unit` lies.

    `actor=None` is the system itself (commands, loaders, imports run on the server) and is always allowed.
    """
    from core.errors import PermissionRefused

    if actor is not None and not area_scope(actor, action).contains(unit):
        raise PermissionRefused(message)
