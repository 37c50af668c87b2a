import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.choices import REFORM_DATE, Level, ReviewStatus, Scheme, UnitType
from areas.identifiers import AreaId
from core.scoping import ScopedQuerySet


class UnitQuerySet(ScopedQuerySet):
    def valid_on(self, day):
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day)).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=day)
        )

    def by_area_id(self, area_id: AreaId | str):
        area_id = area_id if isinstance(area_id, AreaId) else AreaId.parse(area_id)
        return self.filter(scheme=area_id.scheme, code=area_id.code)


class AdministrativeUnit(models.Model):
    """A province, district or commune of one scheme. Units are never edited into another: reforms close and link."""

    scheme = models.CharField(_("hệ thống"), max_length=10, choices=Scheme.choices)
    code = models.CharField(_("mã"), max_length=5, help_text=_("Mã thống kê, đủ số 0 ở đầu"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    unit_type = models.CharField(_("loại"), max_length=15, choices=UnitType.choices)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên không kèm loại"), max_length=100)
    search_name = models.CharField(_("tên tìm kiếm"), max_length=100, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised ancestors, so scoping and reports filter by a column rather than by walking the tree.
    province = models.ForeignKey(
        "self", verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "self", verbose_name=_("huyện"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến (không kể)"), null=True, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=100)

    objects = UnitQuerySet.as_manager()
    scope_area_field = ""  # a unit places itself

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["scheme", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unit_scheme_code_uniq")]
        indexes = [
            models.Index(fields=["scheme", "level", "search_name"], name="unit_scheme_level_name_idx"),
            models.Index(fields=["parent", "search_name"], name="unit_parent_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("areas:unit", args=[str(self.area_id)])

    @property
    def area_id(self) -> AreaId:
        return AreaId(self.scheme, self.code)

    @property
    def last_valid_day(self):
        return self.valid_until - datetime.timedelta(days=1) if self.valid_until else None

    @property
    def is_rural_commune(self) -> bool:
        return self.unit_type == UnitType.XA

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


class Succession(models.Model):
    """Old unit → new unit at a reform. A partly merged old unit has several successors, each flagged."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị mới"), on_delete=models.PROTECT, related_name="predecessions"
    )
    partly_merged = models.BooleanField(_("sáp nhập một phần"), default=False)
    effective_date = models.DateField(_("ngày hiệu lực"), default=REFORM_DATE)
    review_status = models.CharField(
        _("tình trạng rà soát"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SOURCE
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=100)

    class Meta:
        verbose_name = _("kế thừa địa giới")
        verbose_name_plural = _("kế thừa địa giới")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_pair_uniq"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class PendingSuccession(models.Model):
    """An old unit the package gives no successor and the reviewed patch has not settled yet."""

    unit = models.OneToOneField(AdministrativeUnit, on_delete=models.CASCADE, related_name="pending_succession")
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=100)

    class Meta:
        verbose_name = _("đơn vị chờ xác định kế thừa")
        verbose_name_plural = _("đơn vị chờ xác định kế thừa")

    def __str__(self):
        return str(self.unit)
