"""Reads over products shared by the register page, its Excel export and the API (one filter for all three)."""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import acts_only_as_producer
from areas.filters import within
from areas.forms import AreaIdField
from certification.choices import CertificateState, EndReason
from certification.models import Certificate
from certification.queries import expiry_warning_days, potential_5_star_q, recognition_on
from core.forms import BootstrapMixin
from core.text import fold
from producers.choices import ProducerType
from products.models import Product, ProductCategory

POTENTIAL_5_STAR = "potential-5-star"

STATE_CHOICES = [
    ("", _("Mọi tình trạng")),
    ("certified", _("Còn hiệu lực (kể cả sắp hết hạn)")),
    (CertificateState.EXPIRING, _("Sắp hết hạn")),
    (CertificateState.EXPIRED, _("Hết hạn")),
    (CertificateState.REVOKED, _("Đã thu hồi")),
    ("none", _("Chưa có giấy chứng nhận")),
    (POTENTIAL_5_STAR, _("Tiềm năng 5 sao (đã đề nghị Bộ, chưa có kết quả)")),
]


def products_for(user, action="products.view"):
    qs = Product.objects.for_user(user, action)
    if acts_only_as_producer(user):
        qs = qs.filter(producer__accounts=user)
    return qs


class ProductFilter(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Tìm sản phẩm, chủ thể"), required=False)
    group = forms.ModelChoiceField(
        label=_("Nhóm sản phẩm"),
        required=False,
        empty_label=_("Mọi nhóm"),
        to_field_name="code",
        queryset=ProductCategory.objects.filter(system="148", level="group"),
    )
    stars = forms.TypedChoiceField(
        label=_("Số sao"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Mọi hạng")), (3, "3★"), (4, "4★"), (5, "5★")],
    )
    state = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATE_CHOICES)
    producer_type = forms.ChoiceField(
        label=_("Loại hình chủ thể"), required=False, choices=[("", _("Mọi loại hình"))] + ProducerType.choices
    )
    area = AreaIdField(label=_("Địa bàn"), required=False)
    as_of = forms.DateField(
        label=_("Tính đến ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    @property
    def day(self) -> datetime.date:
        data = getattr(self, "cleaned_data", {}) or {}
        return data.get("as_of") or timezone.localdate()

    def apply(self, qs):
        if not self.is_valid():
            return qs.none()
        data, day = self.cleaned_data, self.day
        for word in fold(data["q"]).split():
            qs = qs.filter(Q(search_name__contains=word) | Q(producer__search_name__contains=word))
        if data["group"]:
            qs = qs.filter(group=data["group"])
        if data["producer_type"]:
            qs = qs.filter(producer__producer_type=data["producer_type"])
        if data["area"]:
            qs = qs.filter(within(data["area"], "location"))
        valid = Certificate.objects.valid_on(day).filter(product=OuterRef("pk"))
        latest = Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day).order_by("-valid_from", "-id")
        qs = qs.annotate(
            is_certified=Exists(valid),
            latest_until=Subquery(latest.values("valid_until")[:1]),
            latest_ended=Subquery(latest.values("ended_on")[:1]),
            latest_reason=Subquery(latest.values("end_reason")[:1]),
            latest_id=Subquery(latest.values("id")[:1]),
            potential_5_star=potential_5_star_q(day),
        )
        if data["stars"]:
            qs = qs.filter(Exists(valid.filter(stars=data["stars"])))
        state = data["state"]
        if state == "certified":
            qs = qs.filter(is_certified=True)
        elif state == CertificateState.EXPIRING:
            qs = qs.filter(Exists(valid.filter(valid_until__lt=day + datetime.timedelta(days=expiry_warning_days()))))
        elif state == CertificateState.EXPIRED:
            qs = qs.filter(is_certified=False, latest_until__lt=day).exclude(
                latest_ended__lte=day, latest_reason=EndReason.REVOKED
            )
        elif state == CertificateState.REVOKED:
            qs = qs.filter(latest_ended__lte=day, latest_reason=EndReason.REVOKED)
        elif state == "none":
            qs = qs.filter(latest_id__isnull=True)
        elif state == POTENTIAL_5_STAR:
            qs = qs.filter(potential_5_star=True)
        return (
            qs.select_related("producer", "group", "location", "location__parent", "current_location")
            .prefetch_related(Prefetch("certificates", Certificate.objects.select_related("decision")))
            .order_by("search_name", "id")
        )


def register_rows(products, day):
    """The register as rows (what the page and the Excel file show), each with the certificate held on `day` and
    whether the product awaits the ministry's 5★ decision."""
    rows = []
    for product in products:
        recognition = recognition_on(product, day, certificates=list(product.certificates.all()))
        rows.append(
            {
                "product": product,
                "certificate": recognition.holding.certificate,
                "state": recognition.holding.state,
                "potential_5_star": recognition.potential_5_star,
            }
        )
    return rows
