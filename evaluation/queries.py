"""Reads of criteria sets shared by scoring, pages and reports."""

import datetime

from django.utils.translation import gettext as _

from core.errors import DomainError
from evaluation.models import CriteriaSet, SheetScope


def set_in_force(day: datetime.date) -> CriteriaSet | None:
    """The criteria set whose validity contains `day` (published or not); None before the first set."""
    return CriteriaSet.objects.in_force(day).order_by("-valid_from").first()


def sheet_for(criteria_set: CriteriaSet, category) -> SheetScope:
    """The scoring sheet of `category` (or of its parent group) in a published set; DomainError when unusable."""
    if not criteria_set.is_published:
        raise DomainError(
            _("bộ tiêu chí %(code)s chưa ban hành (%(status)s): chưa dùng để chấm điểm được.")
            % {"code": criteria_set.code, "status": criteria_set.get_status_display()},
            field="criteria_set",
        )
    candidates = [c for c in (category, getattr(category, "parent", None)) if c is not None]
    scopes = {
        s.category_id: s
        for s in SheetScope.objects.filter(criteria_set=criteria_set, category__in=candidates)
        .select_related("category")
        .prefetch_related("criteria")
    }
    for candidate in candidates:
        scope = scopes.get(candidate.id)
        if scope is not None and scope.criteria.all():
            return scope
    raise DomainError(
        _("bộ tiêu chí %(code)s chưa có phiếu chấm cho nhóm “%(category)s”: quản trị viên cần nạp phiếu.")
        % {"code": criteria_set.code, "category": category},
        field="category",
    )
