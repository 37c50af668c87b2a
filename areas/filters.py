"""Filtering records by an area of either scheme: anything placed in it, in old or new boundaries."""

from django.db.models import Q

from areas.choices import Level


def with_counterparts(unit_ids: set[int]) -> set[int]:
    """The units plus their predecessors and successors across the 2025 reform."""
    from areas.models import Succession

    found = set(unit_ids)
    if unit_ids:
        for pred, succ in Succession.objects.filter(
            Q(predecessor_id__in=unit_ids) | Q(successor_id__in=unit_ids)
        ).values_list("predecessor_id", "successor_id"):
            found.update((pred, succ))
    return found


def within(unit, path: str) -> Q:
    """Q for records whose `path` (an FK to AdministrativeUnit) lies in `unit`, or in its counterpart across the
    reform (a province and the provinces it succeeded or was succeeded by; a commune likewise)."""
    if unit.level == Level.DISTRICT:  # districts have no successor: their records stay on their old rows
        return Q(**{f"{path}__district": unit}) | Q(**{path: unit})
    ids = with_counterparts({unit.pk})
    if unit.level == Level.PROVINCE:
        return Q(**{f"{path}__province__in": ids}) | Q(**{f"{path}__in": ids})
    return Q(**{f"{path}__in": ids})
