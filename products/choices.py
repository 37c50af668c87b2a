from django.db import models
from django.utils.translation import gettext_lazy as _


class CategorySystem(models.TextChoices):
    S148 = "148", _("Bộ tiêu chí 148/QĐ-TTg (2023)")
    S1048 = "1048", _("Bộ tiêu chí 1048/QĐ-TTg (2019)")
    S2026 = "2026", _("Bộ tiêu chí 26/2026/QĐ-TTg (2026)")


class CategoryLevel(models.TextChoices):
    GROUP = "group", _("Nhóm / ngành")
    SUBGROUP = "subgroup", _("Bộ sản phẩm")


class ProductStatus(models.TextChoices):
    """Where the product stands in production. Whether it is an OCOP product on a day (certified, expired, revoked,
    potential 5★) is never stored: certification.queries.recognition_on derives it from the certificates."""

    DEVELOPING = "developing", _("Đang phát triển")
    PRODUCING = "producing", _("Đang sản xuất, kinh doanh")
    STOPPED = "stopped", _("Ngừng sản xuất")


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã gửi, chờ xã sàng lọc")
    RETURNED = "returned", _("Xã trả lại")
    ACCEPTED = "accepted", _("Xã chấp nhận")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SUBMITTED = "submitted", _("Đã nộp xã")
    RETURNED = "returned", _("Xã trả lại")
    FORWARDED = "forwarded", _("Xã đã chuyển tỉnh")
    PROVINCE_RETURNED = "province_returned", _("Tỉnh yêu cầu hoàn thiện")


class DossierKind(models.TextChoices):
    """26/2026/QĐ-TTg Điều 6.1: the three dossiers a producer files (labels also in data/dossier_kinds.yaml)."""

    FIRST = "first", _("Đánh giá, phân hạng lần đầu")
    UPGRADE = "upgrade", _("Đánh giá, nâng hạng")
    RERATING = "rerating", _("Đánh giá, phân hạng lại (hết thời hạn 36 tháng)")
