"""Writes to accounts: people's accounts, memberships, producer links, API tokens, passwords.

Each is one transaction with its audit entry."""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Membership, User
from accounts.roles import NATIONWIDE_ROLES, Role
from accounts.scope import area_scope, require
from core import audit
from core.concurrency import check_version
from core.errors import DomainError, NotFound, PermissionRefused

logger = logging.getLogger(__name__)

MEMBERSHIP_FIELDS = ["user", "role", "area", "revoked_at"]


def _require_manage(actor, area):
    require(actor, "accounts.manage_members", area, _("Bạn không có quyền phân công người dùng tại địa bàn này."))


def create_user(
    *, actor, username: str, password: str | None, full_name: str = "", email: str = "", area=None, **extra
) -> User:
    """`area` places the audit entry (so the province that created the account reads it); it grants nothing."""
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
            area=area,
            after=audit.snapshot(user, ["username", "full_name", "email", "phone", "is_staff", "is_superuser"]),
        )
    return user


def grant_membership(*, actor, user: User, role: str, area=None) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ: %(r)s") % {"r": role}, field="role")
    if area is None and role not in NATIONWIDE_ROLES:
        raise DomainError(_("Vai trò này cần gắn với một địa bàn."), field="area")
    if role == Role.SYSTEM_ADMIN and actor is not None and not area_scope(actor, "areas.manage").everywhere:
        raise PermissionRefused(_("Chỉ quản trị hệ thống mới giao được vai trò quản trị hệ thống."))
    if may_not_grant_self(actor, user):
        raise PermissionRefused(self_grant_message())
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


def self_grant_message() -> str:
    return _("Bạn không tự giao vai trò cho chính mình được: hãy đề nghị cán bộ quản lý khác hoặc quản trị hệ thống.")


def may_not_grant_self(actor, user: User) -> bool:
    """Nobody widens their own powers: granting oneself a role is for the nationwide system administrator only."""
    return (
        actor is not None and getattr(actor, "pk", None) == user.pk and not area_scope(actor, "areas.manage").everywhere
    )


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
    """Audits a password change; the user's API tokens were revoked by the save (revoke_tokens_on_password_change)."""
    audit.record(actor=actor, action="accounts.user.password_changed", obj=actor)


def revoke_tokens_on_password_change(user: User) -> int:
    """Called by User.save() whenever a new password is saved (change page, one-time link, admin, `changepassword`):
    a token obtained by someone who knew the old password stops working with it. Hash upgrades at login do not count."""
    now = timezone.now()
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        if not tokens:
            return 0
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now)
        audit.record_many(
            audit.build(
                actor=None,
                action="accounts.token.revoked",
                obj=token,
                label=f"{token.name} ({token.key_prefix}…)",
                after={"revoked_at": str(now), "reason": "password_changed"},
            )
            for token in tokens
        )
    return len(tokens)


# --- accounts managed by a province office (issue 12): create, edit, deactivate, set-password links, producers -----

PHONE_RE = re.compile(r"^\+?[0-9][0-9 .\-]{6,18}[0-9]$")
ACCOUNT_FIELDS = ["username", "full_name", "phone", "email", "is_active"]


def _manage_message():
    return _("Bạn không có quyền quản lý tài khoản này.")


def _require_manage_user(actor, user: User, *, all_roles: bool = False) -> None:
    """`actor` may manage `user`: one of the user's memberships lies in the actor's area (404 otherwise, like a page);
    with `all_roles`, every active role of the user does, so one province cannot lock out another's officer."""
    from accounts.queries import MANAGE, users_for

    if actor is None:
        return
    if not users_for(actor, MANAGE).filter(pk=user.pk).exists():
        raise NotFound(_("Không tìm thấy tài khoản này."))
    scope = area_scope(actor, MANAGE)
    if user.is_superuser and not scope.everywhere:
        raise PermissionRefused(_("Chỉ quản trị hệ thống mới quản lý được tài khoản quản trị."))
    if all_roles:
        for membership in Membership.objects.active().filter(user=user).select_related("area"):
            if not scope.contains(membership.area):
                raise PermissionRefused(
                    _("Tài khoản này còn vai trò ở địa bàn khác (%(area)s); hãy đề nghị nơi đó xử lý.")
                    % {"area": membership.area.name if membership.area else _("toàn quốc")}
                )


def _clean_person(*, full_name: str, phone: str, email: str, exclude_pk=None) -> dict:
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise DomainError(_("Chưa nhập họ và tên."), field="full_name")
    phone = (phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise DomainError(_("Số điện thoại chỉ gồm chữ số (có thể có dấu +, dấu cách, dấu chấm)."), field="phone")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Địa chỉ thư điện tử không hợp lệ."), field="email") from exc
        others = User.objects.filter(email__iexact=email)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        if others.exists():
            raise DomainError(_("Địa chỉ thư điện tử này đã dùng cho một tài khoản khác."), field="email")
    return {"full_name": full_name, "phone": phone, "email": email}


def check_role_area(role: str, area) -> None:
    """A role is given at the level it works at (accounts.queries.ROLE_LEVELS), in the current scheme."""
    from accounts.queries import ROLE_LEVELS
    from areas.choices import Scheme

    if role not in Role.values:
        raise DomainError(_("Hãy chọn vai trò."), field="role")
    if role in NATIONWIDE_ROLES:
        if area is not None:
            raise DomainError(_("Quản trị hệ thống dùng chung cho toàn quốc: để trống địa bàn."), field="area")
        return
    if area is None:
        raise DomainError(_("Hãy chọn địa bàn cho vai trò này."), field="area")
    if area.scheme != Scheme.S2025 or not area.is_valid_on(timezone.localdate()):
        raise DomainError(_("Hãy chọn một địa bàn theo địa giới hiện hành."), field="area")
    if area.level not in ROLE_LEVELS.get(role, set()):
        levels = ", ".join(sorted(str(level.label).lower() for level in ROLE_LEVELS[role]))
        raise DomainError(
            _("Vai trò %(role)s được giao ở %(levels)s; %(area)s không phù hợp.")
            % {"role": Role(role).label, "levels": levels, "area": area.name},
            field="area",
        )


def create_account(
    *, actor, username: str, full_name: str, role: str, area=None, phone: str = "", email: str = ""
) -> User:
    """A province office creates a person's account with their first role. No password: the person sets one through
    a one-time link (`issue_password_link`)."""
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Chưa nhập tên đăng nhập."), field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise DomainError(
            _("Tên đăng nhập chỉ gồm chữ, số và các ký tự . @ + - _ (không dấu cách)."), field="username"
        ) from exc
    person = _clean_person(full_name=full_name, phone=phone, email=email)
    check_role_area(role, area)
    if role == Role.SYSTEM_ADMIN and actor is not None and not area_scope(actor, "areas.manage").everywhere:
        raise PermissionRefused(_("Chỉ quản trị hệ thống mới giao được vai trò quản trị hệ thống."))
    with transaction.atomic():
        _require_manage(actor, area)
        user = create_user(actor=actor, username=username, password=None, area=area, **person)
        grant_membership(actor=actor, user=user, role=role, area=area)
    return user


def update_account(
    *, actor, user: User, full_name: str, phone: str = "", email: str = "", expected_version=None
) -> User:
    """`expected_version`: the version the form was read at; a save from an older one is refused (StaleEdit, 409)."""
    person = _clean_person(full_name=full_name, phone=phone, email=email, exclude_pk=user.pk)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _require_manage_user(actor, user)
        check_version(user, expected_version)
        before = audit.snapshot(user, ACCOUNT_FIELDS)
        for name, value in person.items():
            setattr(user, name, value)
        user.version += 1
        user.save(update_fields=[*person, "version"])
        from accounts.queries import main_area

        audit.record(
            actor=actor,
            action="accounts.user.updated",
            obj=user,
            area=main_area(user),
            before=before,
            after=audit.snapshot(user, ACCOUNT_FIELDS),
        )
    return user


def _set_active(*, actor, user: User, active: bool) -> User:
    from accounts.queries import main_area

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _require_manage_user(actor, user, all_roles=True)
        if actor is not None and actor.pk == user.pk:
            raise DomainError(_("Bạn không thể tự khoá tài khoản của mình."))
        if user.is_active == active:
            raise DomainError(_("Tài khoản này đang hoạt động.") if active else _("Tài khoản này đã bị khoá."))
        before = audit.snapshot(user, ACCOUNT_FIELDS)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="accounts.user.reactivated" if active else "accounts.user.deactivated",
            obj=user,
            area=main_area(user),
            before=before,
            after=audit.snapshot(user, ACCOUNT_FIELDS),
        )
    return user


def deactivate_user(*, actor, user: User) -> User:
    """The person can no longer log in (nor use API keys); their memberships, links and history stay on record."""
    return _set_active(actor=actor, user=user, active=False)


def reactivate_user(*, actor, user: User) -> User:
    return _set_active(actor=actor, user=user, active=True)


def password_link_expiry():
    return timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def password_link_path(user: User) -> str:
    """The one-time set-password path: Django's token generator signs the password hash and last login, so the link
    stops working once a password is set (and after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:set_password", args=[uid, default_token_generator.make_token(user)])


def issue_password_link(*, actor, user: User, base_url: str) -> str:
    """A one-time link for `user` to set their password: shown to the officer, e-mailed when mail is configured.
    `base_url` is the address the request came in on (scheme and host)."""
    from accounts.queries import main_area

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _require_manage_user(actor, user)
        if not user.is_active:
            raise DomainError(_("Tài khoản đang bị khoá: hãy mở khoá trước khi gửi liên kết đặt mật khẩu."))
        url = base_url.rstrip("/") + password_link_path(user)
        emailed = _email_password_link(user, url)
        audit.record(
            actor=actor,
            action="accounts.user.password_link_issued",
            obj=user,
            area=main_area(user),
            after={"emailed_to": user.email if emailed else ""},
        )
    return url


def request_password_reset(*, email: str, base_url: str) -> int:
    """Forgotten password: e-mail a one-time link to each active account with this address. Returns how many (the
    page never says; it must not reveal whether an address exists). Nothing is sent when mail is not configured."""
    from accounts.queries import main_area
    from notifications.services import email_configured

    email = (email or "").strip()
    if not email or not email_configured():
        return 0
    sent = 0
    with transaction.atomic():
        for user in User.objects.filter(email__iexact=email, is_active=True):
            url = base_url.rstrip("/") + password_link_path(user)
            if _email_password_link(user, url, reset=True):
                audit.record(
                    actor=None,
                    action="accounts.user.password_reset_requested",
                    obj=user,
                    area=main_area(user),
                    after={"emailed_to": user.email},
                )
                sent += 1
    return sent


def _email_password_link(user: User, url: str, *, reset: bool = False) -> bool:
    """Queue the e-mail for after the commit; False when mail is not configured or the person has no address."""
    from notifications.services import email_configured

    if not user.email or not email_configured():
        return False
    context = {"user": user, "url": url, "expires": password_link_expiry(), "reset": reset}
    subject = "".join(render_to_string("accounts/email/password_link_subject.txt", context).splitlines())
    body = render_to_string("accounts/email/password_link.txt", context)
    using = "default" if hasattr(settings, "MAILERS") else None
    address = user.email

    def send():
        try:
            send_mail(subject, body, None, [address], using=using)
        except Exception:
            logger.exception("password link e-mail to user %s failed", user.pk)

    transaction.on_commit(send, robust=True)
    return True


def password_set(*, user: User) -> None:
    """The person set their password through a one-time link."""
    from accounts.queries import main_area

    audit.record(actor=user, action="accounts.user.password_set", obj=user, area=main_area(user))


def link_producer(*, actor, user: User, producer) -> None:
    """Link a person's account to the producer (chủ thể) they act for; both must lie in the actor's area."""
    with transaction.atomic():
        _require_manage_user(actor, user)
        require(actor, "accounts.manage_members", producer.location, _("Chủ thể này nằm ngoài địa bàn của bạn."))
        if producer.accounts.filter(pk=user.pk).exists():
            raise DomainError(_("Tài khoản đã liên kết với chủ thể này."), field="producer")
        producer.accounts.add(user)
        audit.record(
            actor=actor,
            action="accounts.user.producer_linked",
            obj=user,
            area=producer.location,
            after={"producer": producer.name, "producer_id": producer.pk},
        )


def unlink_producer(*, actor, user: User, producer) -> None:
    with transaction.atomic():
        _require_manage_user(actor, user)
        require(actor, "accounts.manage_members", producer.location, _("Chủ thể này nằm ngoài địa bàn của bạn."))
        if not producer.accounts.filter(pk=user.pk).exists():
            raise DomainError(_("Tài khoản không liên kết với chủ thể này."))
        producer.accounts.remove(user)
        audit.record(
            actor=actor,
            action="accounts.user.producer_unlinked",
            obj=user,
            area=producer.location,
            before={"producer": producer.name, "producer_id": producer.pk},
        )
