import datetime

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from api.auth import AUTH
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

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_label

    @staticmethod
    def resolve_area(obj):
        return str(obj.area.area_id) if obj.area_id else None


def _entries(request):
    return AuditEntry.objects.for_user(request.auth, "audit.view").select_related("area")


@router.get("/entries", response=list[AuditOut], summary="Audit entries in the caller's areas")
@paginate(LimitOffsetPagination)
def list_entries(request, action: str | None = None, object_type: str | None = None, object_id: str | None = None):
    qs = _entries(request)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs


@router.get("/entries/{entry_id}", response=AuditOut, summary="One audit entry (404 outside the caller's areas)")
def get_entry(request, entry_id: int):
    return get_in_scope_or_404(_entries(request), pk=entry_id)
