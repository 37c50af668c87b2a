import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import NATIONWIDE_ROLES, Role
from core.scoping import ScopedQuerySet


class User(AbstractUser):
    """Our own user model from the first migration, so fields can be added without a painful swap later."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    # Folded full name, username and e-mail (core.text.fold), so people are found without typing diacritics.
    search_name = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    # Optimistic concurrency (core.concurrency): edit forms carry it, the services refuse a save from an older one.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.search_name = self.folded_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "username", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        # set_password() leaves the raw password here until the save (Django clears it for hash upgrades at login),
        # so every path that sets a new password passes here: change page, one-time link, admin, `changepassword`.
        new_password = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if new_password:
            from accounts.services import revoke_tokens_on_password_change

            revoke_tokens_on_password_change(self)

    def folded_search_name(self) -> str:
        from core.text import fold

        return fold(f"{self.full_name} {self.username} {self.email}")[:400]

    def get_full_name(self):
        """The name people are shown by (pages, minutes): the one full-name field, else Django's first/last names."""
        return self.full_name or super().get_full_name()


class MembershipQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Membership(models.Model):
    """A user holds a role in an area: what they may do (the role) and where (the area and everything in it)."""

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("ngày phân công"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, verbose_name=_("người phân công"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=models.Q(revoked_at__isnull=True),
                name="membership_active_uniq",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area or _('toàn quốc')}"

    def clean(self):
        if self.area_id is None and self.role not in NATIONWIDE_ROLES:
            raise ValidationError({"area": _("Vai trò này cần gắn với một địa bàn.")})


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A per-user key for /api/v1. Only its SHA-256 is stored; the key itself is shown once, at creation."""

    PREFIX = "ocop_"

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    key_prefix = models.CharField(_("đầu mã"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
