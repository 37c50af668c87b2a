from django.db import models
from django.utils.translation import gettext_lazy as _


class SetStatus(models.TextChoices):
    """Moves forward only: structure → draft (sheets loaded) → published (usable for scoring, never edited)."""

    STRUCTURE = "draft-structure", _("Khung (chưa có phiếu chấm)")
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã ban hành")


STATUS_RANK = {SetStatus.STRUCTURE: 0, SetStatus.DRAFT: 1, SetStatus.PUBLISHED: 2}

PART_CODES = ("A", "B", "C")
SET_TOTAL = 100  # domain.md §4: councils score on a 100-point set


class ProcessLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    MINISTRY = "ministry", _("Cấp bộ")
