from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet
from products.choices import CategoryLevel, CategorySystem, DossierKind, DossierStatus, IdeaStatus, ProductStatus


class ProductCategory(models.Model):
    """148 groups; 1048 ngành and sub-groups; 26/2026 nhóm and phân nhóm (Phụ lục I), from
    products/data/categories.yaml. 1048 ngành and 26/2026 nhóm map to the six 148 groups (the same six products)."""

    system = models.CharField(_("bộ tiêu chí"), max_length=5, choices=CategorySystem.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=CategoryLevel.choices)
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False)
    aliases = models.TextField(
        _("tên gọi khác"), blank=True, help_text=_("Mỗi dòng một tên (ví dụ tên sau khi sửa đổi).")
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    maps_to = models.ForeignKey(
        "self", verbose_name=_("tương ứng nhóm 148"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_ministry = models.CharField(_("cơ quan chủ trì quản lý"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")
        ordering = ["system", "position"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="category_system_code_uniq")]

    def __str__(self):
        return self.name

    @property
    def group_148(self):
        return self if self.system == CategorySystem.S148 else self.maps_to


class ProductQuerySet(ScopedQuerySet):
    pass


class Product(models.Model):
    """A product of one producer. Identified by (producer, name); the producer is identified within its province."""

    name = models.CharField(_("tên sản phẩm"), max_length=255)
    search_name = models.CharField(max_length=255, db_index=True, editable=False)
    producer = models.ForeignKey(
        "producers.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="products"
    )
    group = models.ForeignKey(
        ProductCategory,
        verbose_name=_("nhóm sản phẩm (148)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"system": CategorySystem.S148, "level": CategoryLevel.GROUP},
    )
    subgroup = models.ForeignKey(
        ProductCategory,
        verbose_name=_("bộ sản phẩm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": CategoryLevel.SUBGROUP},
    )
    location = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã nơi đăng ký"), on_delete=models.PROTECT, related_name="+"
    )
    current_location = models.ForeignKey(
        "areas.AdministrativeUnit",
        verbose_name=_("xã hiện nay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Chỉ cần khi xã nơi đăng ký đã bị chia cho nhiều xã mới: cán bộ chọn xã hiện nay."),
    )
    # Where the product lies in each boundary scheme (products.placement), kept for reports; never edited by hand.
    old_commune = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    old_district = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    old_province = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    new_commune = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    new_province = models.ForeignKey(
        "areas.AdministrativeUnit", null=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("mô tả"), blank=True)
    story = models.TextField(_("câu chuyện sản phẩm"), blank=True)
    status = models.CharField(
        _("tình trạng sản xuất"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.DEVELOPING
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    # Optimistic concurrency (core.concurrency): edit forms carry it, the services refuse a save from an older one.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = ProductQuerySet.as_manager()
    scope_area_field = "location"

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = _("sản phẩm")
        ordering = ["search_name"]
        constraints = [models.UniqueConstraint(fields=["producer", "search_name"], name="product_producer_name_uniq")]
        # the register's order (products.queries): pages are read from this index, never sorted
        indexes = [models.Index(fields=["search_name", "id"], name="product_name_order_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from products.placement import PLACE_FIELDS, apply_places

        apply_places(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *PLACE_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("products:detail", args=[self.pk])


def photo_path(instance, filename):
    return f"products/{instance.product_id}/photos/{filename}"


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ảnh"), upload_to=photo_path)
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")

    def __str__(self):
        return self.caption or self.image.name


class IdeaQuerySet(ScopedQuerySet):
    pass


class ProductIdea(models.Model):
    """Phiếu đăng ký ý tưởng sản phẩm: enters at the commune, is screened there, becomes a product and a dossier."""

    producer = models.ForeignKey(
        "producers.Producer", verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="ideas"
    )
    product_name = models.CharField(_("tên sản phẩm dự kiến"), max_length=255)
    group = models.ForeignKey(
        ProductCategory,
        verbose_name=_("nhóm sản phẩm"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"system": CategorySystem.S148, "level": CategoryLevel.GROUP},
    )
    is_existing_product = models.BooleanField(_("sản phẩm đã có trên thị trường"), default=False)
    description = models.TextField(_("mô tả ý tưởng"))
    raw_materials = models.TextField(_("nguồn nguyên liệu"), blank=True)
    location = models.ForeignKey(
        "areas.AdministrativeUnit", verbose_name=_("xã tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    product = models.OneToOneField(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="idea")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày đăng ký"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    objects = IdeaQuerySet.as_manager()
    scope_area_field = "location"

    class Meta:
        verbose_name = _("ý tưởng sản phẩm")
        verbose_name_plural = _("ý tưởng sản phẩm")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.product_name


class DossierQuerySet(ScopedQuerySet):
    pass


class Dossier(models.Model):
    """Hồ sơ: business plan and evidence of one product, checked by the commune and forwarded to the province.

    Under 26/2026/QĐ-TTg (docs/dossiers-26-2026.md): its kind (Điều 6.1), the producer's registration form (Mẫu số 01)
    and self-assessment report (Mẫu số 02), the dates of filing and of the commune's receipt (the commune's 15 working
    days, Điều 7.2, run from receipt), and the commune's assessment report (Mẫu số 03). The three forms are kept as the
    structured data of products.dossier_forms (a JSON object each; empty until filled in).
    """

    product = models.ForeignKey(Product, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="dossiers")
    kind = models.CharField(_("loại hồ sơ"), max_length=10, choices=DossierKind.choices, default=DossierKind.FIRST)
    business_plan = models.TextField(_("phương án sản xuất kinh doanh"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    registration_form = models.JSONField(
        _("phiếu đăng ký (Mẫu số 01)"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    self_assessment = models.JSONField(
        _("báo cáo tự đánh giá (Mẫu số 02)"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    first_submitted_on = models.DateField(
        _("ngày nộp hồ sơ lần đầu"), null=True, blank=True, help_text=_("Ngày chủ thể nộp hồ sơ cho xã lần đầu.")
    )
    submitted_on = models.DateField(
        _("ngày nộp hồ sơ"), null=True, blank=True, help_text=_("Ngày chủ thể nộp (hoặc nộp lại) hồ sơ cho xã.")
    )
    received_on = models.DateField(_("ngày xã tiếp nhận"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_no = models.CharField(_("số phiếu tiếp nhận"), max_length=60, blank=True)
    commune_report = models.JSONField(
        _("báo cáo đánh giá của xã (Mẫu số 03)"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    commune_report_on = models.DateField(_("ngày xã lập báo cáo"), null=True, blank=True)
    forwarded_on = models.DateField(_("ngày xã chuyển tỉnh"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = DossierQuerySet.as_manager()
    scope_area_field = "product__location"

    class Meta:
        verbose_name = _("hồ sơ sản phẩm")
        verbose_name_plural = _("hồ sơ sản phẩm")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{_('Hồ sơ')} {self.product}"


def document_path(instance, filename):
    return f"dossiers/{instance.dossier_id}/{instance.doc_type}-{filename}"


class DossierDocument(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("loại giấy tờ"), max_length=40)
    file = models.FileField(_("tệp"), upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")
        ordering = ["doc_type", "uploaded_at"]

    def __str__(self):
        return self.original_name
