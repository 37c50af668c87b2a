from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuingLevel(models.TextChoices):
    DISTRICT = "district", _("UBND cấp huyện")
    PROVINCE = "province", _("UBND cấp tỉnh")
    MINISTRY = "ministry", _("Bộ (Nông nghiệp)")


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Công nhận")
    RE_RECOGNITION = "re-recognition", _("Công nhận lại")
    UPGRADE = "upgrade", _("Nâng hạng")
    REVOCATION = "revocation", _("Thu hồi")


class CertificateState(models.TextChoices):
    NOT_YET = "not-yet", _("Chưa có hiệu lực")
    VALID = "valid", _("Còn hiệu lực")
    EXPIRING = "expiring", _("Sắp hết hạn")
    EXPIRED = "expired", _("Hết hạn")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class EndReason(models.TextChoices):
    NONE = "", _("—")
    SUPERSEDED = "superseded", _("Được thay thế bởi giấy chứng nhận sau")
    REVOKED = "revoked", _("Bị thu hồi")
