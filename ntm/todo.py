"""The home page's to-do items of NTM assessments (settings.HOME_TODO_PROVIDERS; core.views.home).

Items are dicts as in products.todo (`label`, `count`, `url`, `priority`; `post`: hidden fields when the link is a
button that posts, here "start this year's form"). A constant number of queries:

- commune officers (`ntm.assess` in a rural commune): this year's self-assessment of each of their communes, until it
  is sent to the province: not started (one click starts it and opens it), in draft, or returned by the province
  (still a draft once sent: the form shows the province's reason);
- province officers (`ntm.approve`): the assessments sent by the communes and waiting for approval, by year.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership
from accounts.roles import NATIONWIDE_ROLES
from accounts.scope import area_scope, roles_for
from areas.choices import Level, UnitType
from areas.models import AdministrativeUnit
from ntm.choices import AssessmentStatus, year_end
from ntm.models import Assessment

ASSESS = "ntm.assess"
APPROVE = "ntm.approve"


def own_communes(user, year: int) -> list:
    """The rural communes (valid on 31 December of `year`) where the user holds a role that enters NTM data."""
    roles = [role for role in roles_for(ASSESS) if role not in NATIONWIDE_ROLES]
    held = Membership.objects.active().filter(user=user, role__in=roles).values("area_id")
    return list(
        AdministrativeUnit.objects.filter(pk__in=held, level=Level.COMMUNE, unit_type=UnitType.XA)
        .valid_on(year_end(year))
        .order_by("search_name")
    )


def _commune_items(user, year: int) -> list[dict]:
    communes = own_communes(user, year)
    if not communes:
        return []
    from ntm.queries import criteria_set_for_year

    criteria_set = criteria_set_for_year(year)
    if criteria_set is None:
        return []
    forms = {
        a.commune_id: a
        for a in Assessment.objects.filter(commune__in=communes, year=year, criteria_set=criteria_set).only(
            "pk", "commune_id", "status", "submitted_at"
        )
    }
    several = len(communes) > 1
    items = []
    for commune in communes:
        form = forms.get(commune.pk)
        facts = {"y": year, "c": commune.name}
        if form is not None and form.status != AssessmentStatus.DRAFT:
            continue
        if form is not None and form.submitted_at is not None:  # sent once, back in draft: the province returned it
            label = _("Phiếu tự đánh giá NTM năm %(y)s bị tỉnh trả lại, cần sửa và gửi lại") % facts
            item = {"url": form.get_absolute_url(), "priority": 10}
        elif form is not None:
            label = _("Phiếu tự đánh giá NTM năm %(y)s chưa nộp") % facts
            item = {"url": form.get_absolute_url(), "priority": 20}
        else:
            label = _("Phiếu tự đánh giá NTM năm %(y)s chưa nộp") % facts
            item = {"url": reverse("ntm:start", args=[str(commune.area_id)]), "post": {"year": year}, "priority": 20}
        if several:
            label = _("%(label)s: %(c)s") % {"label": label, "c": commune.name}
        items.append({"label": label, "count": None, **item})
    return items


def _province_items(user) -> list[dict]:
    scope = area_scope(user, APPROVE)
    if not (scope.everywhere or scope.unit_ids or scope.province_ids or scope.district_ids):
        return []
    waiting = (
        Assessment.objects.for_user(user, APPROVE)
        .filter(status=AssessmentStatus.SUBMITTED)
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    url = reverse("ntm:completeness")
    items = []
    for row in waiting:
        n = row["n"]
        label = ngettext("%(n)s phiếu NTM năm %(y)s chờ duyệt", "%(n)s phiếu NTM năm %(y)s chờ duyệt", n) % {
            "n": n,
            "y": row["year"],
        }
        items.append({"label": label, "count": n, "url": f"{url}?year={row['year']}", "priority": 20})
    return items


def todo_items(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return _commune_items(user, timezone.localdate().year) + _province_items(user)
