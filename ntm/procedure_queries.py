"""Reads of the NTM recognition procedure (issue 18): the board per year, lists and a request's detail.

Every read starts from the requests the user may see (ntm.view over the request's commune, DESIGN.md rule 2); each
function runs a fixed number of queries whatever the number of requests.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from areas.filters import within
from ntm.choices import AppraisalVerdict, RequestStatus
from ntm.models import CriterionAppraisal, RecognitionRequest, RequestDocument
from ntm.procedure_services import OPEN, stage, waiting_on

VIEW = "ntm.view"
# The board's columns, in the order a request goes through them; the closed ones last.
BOARD_ORDER = (
    RequestStatus.REGISTERED,
    RequestStatus.RETURNED,
    RequestStatus.SUBMITTED,
    RequestStatus.DISTRICT_PROPOSED,
    RequestStatus.PROPOSED,
    RequestStatus.RECOGNIZED,
    RequestStatus.REFUSED,
    RequestStatus.WITHDRAWN,
)
# Who a column waits on when its requests do not say otherwise (SUBMITTED: the district for pre-2025 communes).
COLUMN_WAITING = {
    RequestStatus.REGISTERED: "commune",
    RequestStatus.RETURNED: "commune",
    RequestStatus.SUBMITTED: "province",
    RequestStatus.DISTRICT_PROPOSED: "province",
    RequestStatus.PROPOSED: "province",
}
WAITING_SIDES = ("commune", "district", "province")


def requests_for(*, user, year=None, area=None, status=None):
    """Requests the user may see (scoped), filtered by year, area (a unit of either scheme) and status; with the
    commune, its province, the district and the set joined for lists."""
    queryset = RecognitionRequest.objects.for_user(user, VIEW)
    if year is not None:
        queryset = queryset.filter(year=year)
    if area is not None and getattr(area, "pk", None) is not None:
        queryset = queryset.filter(within(area, "commune") | Q(district=area))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("commune", "commune__province", "district", "criteria_set", "registered_by")


def _url(pk) -> str:
    try:
        return reverse("ntm:request_detail", args=[pk])
    except NoReverseMatch:
        return ""


def days_waiting(request, today=None) -> int | None:
    """Whole days since the request's last step (register or a change of status); None once it is closed."""
    if request.status not in OPEN:
        return None
    today = today or timezone.localdate()
    return max((today - timezone.localtime(request.updated_at).date()).days, 0)


def row(request, today=None) -> dict:
    """A request as the board and lists show it."""
    return {
        "request": request,
        "pk": request.pk,
        "commune": request.commune,
        "commune_name": request.commune.name,
        "district_name": request.district.name if request.district_id else "",
        "year": request.year,
        "target_level": request.target_level,
        "level_label": request.get_target_level_display(),
        "status": request.status,
        "status_label": request.get_status_display(),
        "waiting_on": waiting_on(request),
        "stage": stage(request),
        "days_waiting": days_waiting(request, today),
        "url": _url(request.pk),
    }


def board(*, user, year: int, area=None) -> dict:
    """{"columns": [{"status", "label", "waiting_on", "requests": [row…]}], "counts": {...}}; one query.

    A column per status (in BOARD_ORDER, closed ones last, empty columns kept). `waiting_on` of a column: the side its
    requests wait on ("commune", "district", "province"; None for closed columns); a SUBMITTED column holding requests
    of both stages says "district" when any waits on a district. Each row: see `row` (commune_name, level_label,
    days_waiting since the last step, waiting_on, url). counts: {status: n, "total": n, "open": n,
    "waiting_on": {"commune": n, "district": n, "province": n}}."""
    today = timezone.localdate()
    requests = requests_for(user=user, year=year, area=area).order_by("commune__name", "target_level", "pk")
    by_status = {status: [] for status in BOARD_ORDER}
    for request in requests:
        by_status.setdefault(request.status, []).append(row(request, today))
    columns = []
    waiting = dict.fromkeys(WAITING_SIDES, 0)
    for status in BOARD_ORDER:
        rows = by_status[status]
        sides = {r["waiting_on"] for r in rows}
        for r in rows:
            if r["waiting_on"]:
                waiting[r["waiting_on"]] += 1
        column_waiting = COLUMN_WAITING.get(status)
        if "district" in sides:
            column_waiting = "district"
        columns.append(
            {
                "status": str(status),
                "label": RequestStatus(status).label,
                "waiting_on": column_waiting,
                "requests": rows,
            }
        )
    counts = {c["status"]: len(c["requests"]) for c in columns}
    counts["total"] = sum(len(c["requests"]) for c in columns)
    counts["open"] = sum(len(by_status[s]) for s in OPEN)
    counts["waiting_on"] = waiting
    return {"year": year, "area": area, "columns": columns, "counts": counts}


def _verdict_code(value) -> str:
    """Entries keep the verdict's words (procedure_services._in_words); the history also wants its code."""
    if value in AppraisalVerdict.values:
        return value
    with translation.override(settings.LANGUAGE_CODE):
        return next((code for code, label in AppraisalVerdict.choices if str(label) == value), "")


def _verdict_label(value) -> str:
    if value in AppraisalVerdict.values:
        return str(AppraisalVerdict(value).label)
    return value if isinstance(value, str) else ""  # entries keep the label itself (procedure_services._in_words)


def request_detail(request_obj) -> dict:
    """{"criteria": [{"criterion", "appraisal", "documents"}], "documents": [whole-dossier documents],
    "history": [{"when", "who", "action", "label", "reason", "criterion", "verdict" (code), "verdict_label",
    "stage"}], "waiting_on", "stage"}; three queries."""
    from core.audit import object_type
    from core.audit_labels import action_label
    from core.models import AuditEntry

    appraisals = list(
        CriterionAppraisal.objects.filter(request=request_obj)
        .select_related("criterion", "appraised_by")
        .order_by("criterion__number")
    )
    documents = list(
        RequestDocument.objects.filter(request=request_obj).select_related("uploaded_by").order_by("uploaded_at", "pk")
    )
    per_criterion = {}
    for document in documents:
        per_criterion.setdefault(document.criterion_id, []).append(document)
    entries = (
        AuditEntry.objects.filter(object_type=object_type(request_obj), object_id=str(request_obj.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    history = []
    for entry in entries:
        after = entry.after if isinstance(entry.after, dict) else {}
        who = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor_id else entry.actor_label
        history.append(
            {
                "when": entry.created_at,
                "who": who,
                "action": entry.action,
                "label": action_label(entry.action),
                "reason": after.get("reason") or after.get("response") or "",
                "criterion": after.get("criterion") or "",
                "verdict": _verdict_code(after.get("verdict")),
                "verdict_label": _verdict_label(after.get("verdict")),
                "stage": after.get("stage") or "",
            }
        )
    return {
        "criteria": [
            {"criterion": a.criterion, "appraisal": a, "documents": per_criterion.get(a.criterion_id, [])}
            for a in appraisals
        ],
        "documents": per_criterion.get(None, []),
        "all_documents": documents,
        "history": history,
        "waiting_on": waiting_on(request_obj),
        "stage": stage(request_obj),
    }
