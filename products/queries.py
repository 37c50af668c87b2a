"""Reads over products shared by the register page, its Excel export and the API (one filter for all three)."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
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
        # Filters that need a per-product value test it in WHERE (EXISTS): nothing per product is selected here,
        # so counting and paging walk only the product table. What each row shows is added for the page's rows only
        # (with_row_values).
        valid = Certificate.objects.valid_on(day).filter(product=OuterRef("pk"))
        # the certificate each product holds on `day`: the latest begun by then, (valid_from, id) — one EXISTS with
        # an anti-join on (product, valid_from, id) instead of three scalar subqueries per product
        later = Certificate.objects.filter(product=OuterRef("product"), valid_from__lte=day).filter(
            Q(valid_from__gt=OuterRef("valid_from")) | Q(valid_from=OuterRef("valid_from"), id__gt=OuterRef("id"))
        )
        latest = Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day).filter(~Exists(later))
        if data["stars"]:
            qs = qs.filter(Exists(valid.filter(stars=data["stars"])))
        state = data["state"]
        if state == "certified":
            qs = qs.filter(Exists(valid))
        elif state == CertificateState.EXPIRING:
            qs = qs.filter(Exists(valid.filter(valid_until__lt=day + datetime.timedelta(days=expiry_warning_days()))))
        elif state == CertificateState.EXPIRED:
            expired = latest.filter(valid_until__lt=day).exclude(ended_on__lte=day, end_reason=EndReason.REVOKED)
            qs = qs.filter(~Exists(valid), Exists(expired))
        elif state == CertificateState.REVOKED:
            qs = qs.filter(Exists(latest.filter(ended_on__lte=day, end_reason=EndReason.REVOKED)))
        elif state == "none":
            qs = qs.filter(~Exists(Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day)))
        elif state == POTENTIAL_5_STAR:
            qs = qs.filter(potential_5_star_q(day))
        return qs.order_by("search_name", "id")

    def rows(self, products):
        """`products` (this filter's result, or a page of it) with what each row shows: producer, group, communes,
        certificates and `potential_5_star` on the filter's day. A page's ids are read first (page_only), so the
        per-product values are computed for its rows only: three queries whatever the page's position (ids, rows,
        certificates)."""
        return with_row_values(products, self.day)


def page_only(qs):
    """The rows a (possibly sliced) queryset selects, as an unsliced queryset over their ids: the page's ids are read
    first (one query on the bare filtered rows, its LIMIT/OFFSET walking an index), so what is annotated or joined
    afterwards is computed for these rows only, never for the rows paged over. (A `pk IN (SELECT … LIMIT …)` subquery
    led PostgreSQL to join every product before keeping the page's.)"""
    if not qs.query.is_sliced:
        return qs
    ids = list(qs.values_list("pk", flat=True))
    return qs.model._default_manager.filter(pk__in=ids).order_by(*qs.query.order_by)


def with_row_values(products, day):
    return (
        page_only(products)
        .annotate(potential_5_star=potential_5_star_q(day))
        .select_related(
            "producer",
            "group",
            "location",
            "location__parent",
            "location__province",
            "current_location",
            "current_location__province",
        )
        .prefetch_related(
            Prefetch("certificates", Certificate.objects.select_related("decision").order_by("valid_from", "id"))
        )
    )


class PageFirstPaginator(Paginator):
    """Counts and pages the bare filtered rows; `rows(queryset)` adds what each row shows, for the page's rows only."""

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number):
        page = super().page(number)
        page.object_list = self.rows(page.object_list)
        return page


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
