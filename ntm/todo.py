"""The home page's to-do items of NTM assessments (settings.HOME_TODO_PROVIDERS; core.views.home).

Items are dicts as in products.todo (`label`, `count`, `url`, `priority`; `post`: hidden fields when the link is a
button that posts, here "start this year's form"). A constant number of queries:

- commune officers (`ntm.assess` in a rural commune): this year's self-assessment of each of their communes, until it
  is sent to the province: not started (one click starts it and opens it), in draft, or returned by the province
  (still a draft once sent: the form shows the province's reason);
- province officers (`ntm.approve`): the assessments sent by the communes and waiting for approval, by year;
- the recognition procedure (ntm/procedure_services.py), whoever it waits on: the commune's requests still being
  prepared or returned (`ntm.request`), the requests waiting for appraisal (`ntm.appraise`; the province's stage only
  for officers of a whole province) and for the decision (`ntm.manage`).
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


def _reaches(scope) -> bool:
    return bool(scope.everywhere or scope.unit_ids or scope.province_ids or scope.district_ids)


def _request_items(user) -> list[dict]:
    from ntm.choices import RequestStatus
    from ntm.models import RecognitionRequest

    items = []
    if _reaches(area_scope(user, "ntm.request")):  # the scope, not has_perm: one cached read per page
        mine = (
            RecognitionRequest.objects.for_user(user, "ntm.request")
            .filter(status__in=[RequestStatus.REGISTERED, RequestStatus.RETURNED])
            .select_related("commune")
            .order_by("-year", "commune__search_name")
        )
        for request in mine:
            facts = {"c": request.commune.name, "l": request.get_target_level_display(), "y": request.year}
            if request.status == RequestStatus.RETURNED:
                label = _("Hồ sơ đề nghị công nhận bị trả lại, cần bổ sung: %(c)s, %(l)s năm %(y)s") % facts
                priority = 10
            else:
                label = _("Hồ sơ đề nghị công nhận chưa nộp: %(c)s, %(l)s năm %(y)s") % facts
                priority = 20
            items.append({"label": label, "count": None, "url": request.get_absolute_url(), "priority": priority})
    waiting = {}
    for action, statuses in (
        ("ntm.appraise", [RequestStatus.SUBMITTED, RequestStatus.DISTRICT_PROPOSED]),
        ("ntm.manage", [RequestStatus.PROPOSED]),
    ):
        scope = area_scope(user, action)
        if not _reaches(scope):
            continue
        requests = RecognitionRequest.objects.for_user(user, action).filter(status__in=statuses)
        if not (scope.everywhere or scope.province_ids):  # a district's officer appraises only the district's stage
            requests = requests.filter(status=RequestStatus.SUBMITTED, district__isnull=False)
        rows = requests.values("year").annotate(n=Count("pk")).order_by("-year")
        for row in rows:
            waiting.setdefault((action, row["year"]), row["n"])
    board = reverse("ntm:request_board")
    for (action, year), n in sorted(waiting.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        facts = {"n": n, "y": year}
        if action == "ntm.appraise":
            label = ngettext(
                "%(n)s hồ sơ đề nghị công nhận NTM năm %(y)s chờ thẩm định",
                "%(n)s hồ sơ đề nghị công nhận NTM năm %(y)s chờ thẩm định",
                n,
            )
        else:
            label = ngettext(
                "%(n)s hồ sơ đề nghị công nhận NTM năm %(y)s chờ quyết định",
                "%(n)s hồ sơ đề nghị công nhận NTM năm %(y)s chờ quyết định",
                n,
            )
        items.append({"label": label % facts, "count": n, "url": f"{board}?year={year}", "priority": 20})
    return items


def todo_items(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return _commune_items(user, timezone.localdate().year) + _province_items(user) + _request_items(user)
