import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# Resolution 202/2025/QH15 and the commune resolutions took effect on this day: districts abolished, 34 provinces.
REFORM_DATE = datetime.date(2025, 7, 1)


class Scheme(models.TextChoices):
    PRE2025 = "pre2025", _("Trước 01/07/2025 (3 cấp)")
    S2025 = "2025", _("Từ 01/07/2025 (2 cấp)")


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class UnitType(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh-pho-tw", _("Thành phố trực thuộc trung ương")
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi-xa", _("Thị xã")
    THANH_PHO = "thanh-pho", _("Thành phố thuộc tỉnh")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi-tran", _("Thị trấn")
    DAC_KHU = "dac-khu", _("Đặc khu")


# The word an official name starts with, per unit type ("Huyện Điện Biên" → "Huyện").
TYPE_PREFIX = {
    UnitType.TINH: "Tỉnh",
    UnitType.THANH_PHO_TW: "Thành phố",
    UnitType.HUYEN: "Huyện",
    UnitType.QUAN: "Quận",
    UnitType.THI_XA: "Thị xã",
    UnitType.THANH_PHO: "Thành phố",
    UnitType.XA: "Xã",
    UnitType.PHUONG: "Phường",
    UnitType.THI_TRAN: "Thị trấn",
    UnitType.DAC_KHU: "Đặc khu",
}

CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


class ReviewStatus(models.TextChoices):
    SOURCE = "source", _("Theo dữ liệu nguồn")
    REVIEWED = "reviewed", _("Đã rà soát")
    AWAITING = "awaiting-review", _("Chờ rà soát")
