"""Area scoping (DESIGN.md rule 2): every read starts from `Model.objects.for_user(user, action)`.

A model opts in by using a ScopedQuerySet and naming, in `scope_area_field`, the path to the administrative unit
that places it. The user's reach for an action comes from their area memberships (the function named by
`settings.AREA_SCOPE`, accounts.scope.area_scope): a province membership reaches everything located in that
province, a commune membership that commune, each across the 2025 reform through the recorded successions.
Anything outside answers 404 (see `get_in_scope_or_404`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.module_loading import import_string


def area_scope(user, action: str):
    """Where `user` may do `action` (an object with `everywhere` and `contains(unit)`), cached per user and action."""
    # the memberships live in a domain app; the settings name it (AREA_SCOPE), so core imports no domain app
    return import_string(settings.AREA_SCOPE)(user, action)


def scope_q(user, action: str, path: str) -> Q | None:
    """The filter for objects placed at `path` that `user` may reach for `action`; None means everywhere."""
    scope = area_scope(user, action)
    if scope.everywhere:
        return None
    prefix = f"{path}__" if path else ""  # "" when the model is the unit itself
    q = Q(pk__in=[])
    if scope.unit_ids:
        q |= Q(**{f"{prefix}pk__in": scope.unit_ids})
    if scope.province_ids:
        q |= Q(**{f"{prefix}province__in": scope.province_ids})
    if scope.district_ids:
        q |= Q(**{f"{prefix}district__in": scope.district_ids})
    return q


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str):
        q = scope_q(user, action, self.model.scope_area_field)
        return self if q is None else self.filter(q)


def get_in_scope_or_404(queryset, **lookup):
    """Fetch one object from an already scoped queryset; outside scope and missing look the same."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
