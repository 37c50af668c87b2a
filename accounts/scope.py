"""Where a user may act: their memberships' areas, widened across the 2025 reform through successions.

A province membership reaches everything in that province and in the provinces it succeeded or was succeeded by;
a commune membership reaches that commune and its predecessors/successors. Computed once per user and action per
request (cached on the user object).
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.roles import ROLE_ACTIONS
from areas.choices import Level


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
    from areas.models import Succession

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
    counterpart_of = provinces | communes
    if counterpart_of:
        for pred, succ in Succession.objects.filter(
            Q(predecessor_id__in=counterpart_of) | Q(successor_id__in=counterpart_of)
        ).values_list("predecessor_id", "successor_id"):
            target = provinces if (pred in provinces or succ in provinces) else communes
            target.update((pred, succ))
    return AreaScope(
        province_ids=frozenset(provinces),
        district_ids=frozenset(districts),
        unit_ids=frozenset(provinces | districts | communes),
    )
