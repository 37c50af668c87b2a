"""Choices shared by the programme's plans, linkage projects, funding and monitoring."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupporterLevel(models.TextChoices):
    """Who supports a product or a project: the province, a district (before 07/2025) or a commune."""

    PROVINCE = "province", _("Tỉnh hỗ trợ")
    DISTRICT = "district", _("Huyện hỗ trợ")
    COMMUNE = "commune", _("Xã hỗ trợ")


class FundingSource(models.TextChoices):
    """Where support money comes from: the seeds' "nguồn kinh phí địa phương, lồng ghép từ các chương trình, dự án và
    nguồn xã hội hóa"."""

    CENTRAL = "central", _("Ngân sách trung ương")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh")
    LOCAL = "local", _("Ngân sách huyện, xã")
    NTM = "ntm", _("Chương trình mục tiêu quốc gia nông thôn mới")
    INTEGRATED = "integrated", _("Lồng ghép các chương trình, dự án khác")
    CREDIT = "credit", _("Vốn tín dụng")
    SOCIALISED = "socialised", _("Xã hội hóa (doanh nghiệp, người dân)")


class SupportPurpose(models.TextChoices):
    PACKAGING = "packaging", _("Bao bì, nhãn mác, mẫu mã")
    EQUIPMENT = "equipment", _("Máy móc, thiết bị")
    RAW_MATERIAL = "raw-material", _("Vùng nguyên liệu")
    TRADE_PROMOTION = "trade-promotion", _("Xúc tiến thương mại")
    TRAINING = "training", _("Đào tạo, tập huấn")
    CERTIFICATION = "certification", _("Chứng nhận chất lượng (VietGAP, hữu cơ, …)")
    CONSULTING = "consulting", _("Tư vấn xây dựng hồ sơ, sản phẩm")
    OTHER = "other", _("Khác")
