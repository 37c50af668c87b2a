"""Writes to accounts: memberships, API tokens, password changes. Each is one transaction with its audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Membership, User
from accounts.roles import NATIONWIDE_ROLES, Role
from accounts.scope import area_scope, require
from core import audit
from core.errors import DomainError, NotFound, PermissionRefused

MEMBERSHIP_FIELDS = ["user", "role", "area", "revoked_at"]


def _require_manage(actor, area):
    require(actor, "accounts.manage_members", area, _("Bạn không có quyền phân công người dùng tại địa bàn này."))


def create_user(*, actor, username: str, password: str | None, full_name: str = "", email: str = "", **extra) -> User:
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Chưa nhập tên đăng nhập."), field="username")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(_("Tên đăng nhập '%(u)s' đã có người dùng.") % {"u": username}, field="username")
        user = User(username=username, full_name=full_name, email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit.record(
            actor=actor,
            action="accounts.user.created",
            obj=user,
            after=audit.snapshot(user, ["username", "full_name", "email", "is_staff", "is_superuser"]),
        )
    return user


def grant_membership(*, actor, user: User, role: str, area=None) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ: %(r)s") % {"r": role}, field="role")
    if area is None and role not in NATIONWIDE_ROLES:
        raise DomainError(_("Vai trò này cần gắn với một địa bàn."), field="area")
    if role == Role.SYSTEM_ADMIN and actor is not None and not area_scope(actor, "areas.manage").everywhere:
        raise PermissionRefused(_("Chỉ quản trị hệ thống mới giao được vai trò quản trị hệ thống."))
    with transaction.atomic():
        _require_manage(actor, area)
        existing = Membership.objects.active().filter(user=user, role=role, area=area).first()
        if existing:
            return existing
        membership = Membership(user=user, role=role, area=area, granted_by=actor if actor else None)
        try:
            membership.full_clean()
        except ValidationError as exc:
            raise DomainError("; ".join(exc.messages)) from exc
        membership.save()
        audit.record(
            actor=actor,
            action="accounts.membership.granted",
            obj=membership,
            area=area,
            after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def revoke_membership(*, actor, membership: Membership) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_manage(actor, membership.area)
        if membership.revoked_at is not None:
            raise DomainError(_("Phân công này đã được thu hồi."))
        before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="accounts.membership.revoked",
            obj=membership,
            area=membership.area,
            before=before,
            after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def issue_token(*, actor: User, name: str, days_valid: int | None = None) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Hãy đặt tên gợi nhớ cho mã truy cập."), field="name")
    if days_valid is not None and not 1 <= days_valid <= 3650:
        raise DomainError(_("Thời hạn phải từ 1 đến 3650 ngày."), field="days_valid")
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            key_prefix=key[:12],
            key_hash=ApiToken.hash_key(key),
            expires_at=timezone.now() + datetime.timedelta(days=days_valid) if days_valid else None,
        )
        audit.record(
            actor=actor,
            action="accounts.token.issued",
            obj=token,
            after={"name": token.name, "prefix": token.key_prefix, "expires_at": token.expires_at},
        )
    return token, key


def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound(_("Không tìm thấy mã truy cập."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor=actor, action="accounts.token.revoked", obj=token, after={"prefix": token.key_prefix})
    return token


def authenticate_token(key: str) -> User | None:
    """The active user behind a bearer key, or None. Marks the token used (at most once a minute)."""
    if not key or not key.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active or not token.user.has_perm("accounts.use_api"):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def password_changed(*, actor: User) -> None:
    audit.record(actor=actor, action="accounts.user.password_changed", obj=actor)
