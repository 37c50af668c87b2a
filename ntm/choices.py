import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class SetKind(models.TextChoices):
    COMMUNE = "commune", _("Bộ tiêu chí xã")
    VILLAGE = "village", _("Bộ tiêu chí thôn, bản")


class SetLevel(models.TextChoices):
    BASIC = "dat-chuan", _("Nông thôn mới")
    ADVANCED = "nang-cao", _("Nông thôn mới nâng cao")
    MODEL = "kieu-mau", _("Nông thôn mới kiểu mẫu")
    MODERN = "hien-dai", _("Nông thôn mới hiện đại (thí điểm)")


class Issuer(models.TextChoices):
    NATIONAL = "national", _("Trung ương")
    PROVINCE = "province", _("Tỉnh ban hành")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi tỉnh")
    APPROVED = "approved", _("Đã duyệt (khóa)")


class Source(models.TextChoices):
    ENTRY = "entry", _("Xã nhập")
    IMPORT = "import", _("Nhập từ bảng tính")


class RecognitionLevel(models.TextChoices):
    """Commune levels carry a rank (the highest counts); village levels are recorded beside them, never ranked."""

    DAT_CHUAN = "dat-chuan", _("Xã đạt chuẩn nông thôn mới")
    NANG_CAO = "nang-cao", _("Xã đạt chuẩn nông thôn mới nâng cao")
    KIEU_MAU = "kieu-mau", _("Xã đạt chuẩn nông thôn mới kiểu mẫu")
    THON_NTM = "thon-ntm", _("Thôn, bản đạt chuẩn nông thôn mới")
    THON_KIEU_MAU = "thon-kieu-mau", _("Thôn, bản nông thôn mới kiểu mẫu")


COMMUNE_LEVELS = (RecognitionLevel.DAT_CHUAN, RecognitionLevel.NANG_CAO, RecognitionLevel.KIEU_MAU)
VILLAGE_LEVELS = (RecognitionLevel.THON_NTM, RecognitionLevel.THON_KIEU_MAU)
LEVEL_RANK = {level: rank for rank, level in enumerate(COMMUNE_LEVELS, start=1)}
RANK_LEVEL = {rank: str(level) for level, rank in LEVEL_RANK.items()}


class CommuneStatus(models.TextChoices):
    """children[].status of the report (CONTRACT §7)."""

    DAT_CHUAN = "dat-chuan", _("Đạt chuẩn")
    NANG_CAO = "nang-cao", _("Đạt chuẩn nâng cao")
    KIEU_MAU = "kieu-mau", _("Đạt chuẩn kiểu mẫu")
    CO_BAN_DAT = "co-ban-dat", _("Cơ bản đạt chuẩn")
    CHUA_DAT = "chua-dat", _("Chưa đạt")


class CommuneGroup(models.IntegerChoices):
    GROUP_1 = 1, _("Nhóm 1")
    GROUP_2 = 2, _("Nhóm 2")
    GROUP_3 = 3, _("Nhóm 3")


def year_end(year: int) -> datetime.date:
    """The day a year's figures are read on (CONTRACT §7: units, recognitions and sets as of 31 December)."""
    return datetime.date(year, 12, 31)
