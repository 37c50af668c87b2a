import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.pagination import Paginated
from api.schemas import ERRORS
from core import audit_privacy
from core.models import AuditEntry
from core.scoping import get_in_scope_or_404

router = Router(tags=["audit"], auth=AUTH)


class AuditOut(Schema):
    id: int
    created_at: datetime.datetime
    actor: str
    area: str | None
    object_type: str
    object_id: str
    object_label: str
    action: str
    before: dict | None
    after: dict | None
    request_id: str
    # True when part of before/after is withheld for now (settings.AUDIT_REDACTORS), e.g. a council member's total
    # until the chair locks the sheets; the withheld values read as a sentence saying so.
    redacted: bool = False

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_label

    @staticmethod
    def resolve_area(obj):
        return str(obj.area.area_id) if obj.area_id else None


class RedactedPagination(Paginated):
    """The page of entries, masked by the redactors once the page is cut (one pass for the whole page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = audit_privacy.redact(page[self.items_attribute], request.auth)
        return page


def _entries(request):
    return AuditEntry.objects.for_user(request.auth, "audit.view").select_related("area")


@router.get("/entries", response={200: list[AuditOut], **ERRORS}, summary="Audit entries in the caller's areas")
@paginate(RedactedPagination)
def list_entries(
    request,
    action: str | None = Query(None, max_length=100),
    object_type: str | None = Query(None, max_length=100),
    object_id: str | None = Query(None, max_length=64),
):
    qs = _entries(request)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs


@router.get(
    "/entries/{entry_id}",
    response={200: AuditOut, **ERRORS},
    summary="One audit entry (404 outside the caller's areas)",
)
def get_entry(request, entry_id: int):
    (entry,) = audit_privacy.redact([get_in_scope_or_404(_entries(request), pk=entry_id)], request.auth)
    return entry
