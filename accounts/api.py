import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts import services
from accounts.models import Membership
from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from core.scoping import get_in_scope_or_404

router = Router(tags=["accounts"], auth=AUTH)


class MembershipOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    area: str | None
    area_name: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_username(obj):
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj):
        return obj.user.full_name

    @staticmethod
    def resolve_area(obj):
        return str(obj.area.area_id) if obj.area_id else None

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name if obj.area_id else None


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The authenticated user and their roles")
def me(request):
    user = request.auth
    memberships = Membership.objects.active().filter(user=user).select_related("user", "area")
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "memberships": list(memberships),
    }


def _members(request):
    return Membership.objects.active().for_user(request.auth, "accounts.view_members").select_related("user", "area")


@router.get(
    "/memberships", response={200: list[MembershipOut], **ERRORS}, summary="Role assignments in the caller's areas"
)
@paginate(Paginated)
def list_memberships(request, role: str | None = Query(None, max_length=30)):
    qs = _members(request).order_by("area__code", "user__username")
    return qs.filter(role=role) if role else qs


@router.get(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **ERRORS},
    summary="One assignment (404 outside scope)",
)
def get_membership(request, membership_id: int):
    return get_in_scope_or_404(_members(request), pk=membership_id)


class TokenIn(Schema):
    name: str = Field(max_length=100)  # ApiToken.name
    days_valid: int | None = None  # 1–3650, checked by the service (its message names the field)


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class NewTokenOut(TokenOut):
    key: str


@router.post(
    "/tokens", response={201: NewTokenOut, **ERRORS}, summary="Issue a token for the caller (the key is shown once)"
)
def create_token(request, payload: TokenIn):
    token, key = services.issue_token(actor=request.auth, name=payload.name, days_valid=payload.days_valid)
    return Status(201, {**{f: getattr(token, f) for f in TokenOut.model_fields}, "key": key})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke one of the caller's tokens")
def delete_token(request, token_id: int):
    return services.revoke_token(actor=request.auth, token_id=token_id)
