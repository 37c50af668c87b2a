import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.choices import REFORM_DATE


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

    CO_BAN_DAT_CHUAN = "co-ban-dat-chuan", _("Xã cơ bản đạt chuẩn nông thôn mới (theo quyết định)")
    DAT_CHUAN = "dat-chuan", _("Xã đạt chuẩn nông thôn mới")
    NANG_CAO = "nang-cao", _("Xã đạt chuẩn nông thôn mới nâng cao")
    KIEU_MAU = "kieu-mau", _("Xã đạt chuẩn nông thôn mới kiểu mẫu")
    THON_NTM = "thon-ntm", _("Thôn, bản đạt chuẩn nông thôn mới")
    THON_KIEU_MAU = "thon-kieu-mau", _("Thôn, bản nông thôn mới kiểu mẫu")


class RecognitionKind(models.TextChoices):
    """A recognition (công nhận) on the commune's own results, or an acknowledgement (thừa nhận) that a commune formed
    by merging keeps the title its predecessor communes held (domain.md §8, [practice] Hà Tĩnh 2023)."""

    CONG_NHAN = "cong-nhan", _("Công nhận")
    THUA_NHAN = "thua-nhan", _("Thừa nhận (xã sau sắp xếp)")


# Levels nest: kiểu mẫu ⊂ nâng cao ⊂ đạt chuẩn (domain.md §8). "Cơ bản đạt chuẩn" by decision (Điện Biên practice)
# ranks below đạt chuẩn: rank 0, so the highest rank still wins and recognised counts take ranks 1–3 only.
COMMUNE_LEVELS = (
    RecognitionLevel.CO_BAN_DAT_CHUAN,
    RecognitionLevel.DAT_CHUAN,
    RecognitionLevel.NANG_CAO,
    RecognitionLevel.KIEU_MAU,
)
VILLAGE_LEVELS = (RecognitionLevel.THON_NTM, RecognitionLevel.THON_KIEU_MAU)
LEVEL_RANK = {level: rank for rank, level in enumerate(COMMUNE_LEVELS)}
BASIC_RANK = LEVEL_RANK[RecognitionLevel.CO_BAN_DAT_CHUAN]
# The recognised levels of the report (CONTRACT §7 `recognized`), rank → level.
RANK_LEVEL = {rank: str(level) for level, rank in LEVEL_RANK.items() if rank > BASIC_RANK}

# From 2025 on, a commune of the new scheme inherits the lowest of the levels its predecessor communes all held on the
# last day of the old scheme (CONTRACT §7 Changed; recognitions revoked on or before that day do not count).
INHERITANCE_DAY = REFORM_DATE - datetime.timedelta(days=1)  # 30/06/2025


class CommuneStatus(models.TextChoices):
    """children[].status of the report (CONTRACT §7)."""

    DAT_CHUAN = "dat-chuan", _("Đạt chuẩn")
    NANG_CAO = "nang-cao", _("Đạt chuẩn nâng cao")
    KIEU_MAU = "kieu-mau", _("Đạt chuẩn kiểu mẫu")
    CO_BAN_DAT = "co-ban-dat", _("Cơ bản đạt chuẩn")
    CHUA_DAT = "chua-dat", _("Chưa đạt")
    CHUA_CO_SO_LIEU = "chua-co-so-lieu", _("Chưa có số liệu")


class CommuneGroup(models.IntegerChoices):
    GROUP_1 = 1, _("Nhóm 1")
    GROUP_2 = 2, _("Nhóm 2")
    GROUP_3 = 3, _("Nhóm 3")


def year_end(year: int) -> datetime.date:
    """The day a year's figures are read on (CONTRACT §7: units, recognitions and sets as of 31 December)."""
    return datetime.date(year, 12, 31)


class IndicatorRule(models.TextChoices):
    """How a criterion with indicators is judged (the set's data, issue 18): by its indicators, or by the officer."""

    INDICATORS = "indicators", _("Đạt khi các chỉ tiêu bắt buộc đều đạt")
    MANUAL = "manual", _("Cán bộ đánh dấu đạt theo từng tiêu chí")


class AreaLevel(models.TextChoices):
    """District- and province-level NTM titles (domain: huyện đạt chuẩn / hoàn thành nhiệm vụ xây dựng NTM)."""

    HUYEN_DAT_CHUAN = "huyen-dat-chuan", _("Huyện đạt chuẩn nông thôn mới")
    HOAN_THANH_NHIEM_VU = "hoan-thanh-nv", _("Thị xã, thành phố hoàn thành nhiệm vụ xây dựng nông thôn mới")
    HUYEN_NANG_CAO = "huyen-nang-cao", _("Huyện nông thôn mới nâng cao")
    HUYEN_KIEU_MAU = "huyen-kieu-mau", _("Huyện nông thôn mới kiểu mẫu")
    TINH_HOAN_THANH = "tinh-hoan-thanh", _("Tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới")


class RequestStatus(models.TextChoices):
    """The recognition procedure (issue 18): who the request waits on is `waiting_on()` of the request."""

    REGISTERED = "registered", _("Xã đã đăng ký, đang chuẩn bị hồ sơ")
    SUBMITTED = "submitted", _("Xã đã nộp hồ sơ, chờ thẩm định")
    DISTRICT_PROPOSED = "district-ok", _("Huyện đã thẩm định, đề nghị tỉnh")
    RETURNED = "returned", _("Bị trả lại, xã hoàn thiện hồ sơ")
    PROPOSED = "proposed", _("Đã thẩm định đạt, chờ quyết định công nhận")
    RECOGNIZED = "recognized", _("Đã có quyết định công nhận")
    REFUSED = "refused", _("Không công nhận")
    WITHDRAWN = "withdrawn", _("Xã rút đăng ký")


class AppraisalVerdict(models.TextChoices):
    PENDING = "pending", _("Chưa thẩm định")
    PASSED = "passed", _("Đạt")
    RETURNED = "returned", _("Trả lại, cần bổ sung")
