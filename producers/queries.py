from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import acts_only_as_producer
from areas.filters import within
from areas.forms import AreaIdField
from core.forms import BootstrapMixin
from core.text import fold
from producers.choices import ProducerType
from producers.models import Producer


def producers_for(user, action="producers.view"):
    qs = Producer.objects.for_user(user, action)
    if acts_only_as_producer(user):
        qs = qs.filter(accounts=user)
    return qs


# Actions a producer picker may be scoped to (`/producers/pick/?action=`): what the form that uses it will check.
PICK_ACTIONS = ("producers.view", "producers.change", "products.change", "products.register_idea")
PICK_LIMIT = 20


def pick_producers(user, text: str, action: str = "producers.view"):
    """The producers `user` reaches for `action` whose name (accents and case ignored) or registration / tax number
    holds every word typed; one query whatever their number."""
    qs = producers_for(user, action).select_related("location")
    for word in fold(text).split():
        qs = qs.filter(Q(search_name__contains=word) | Q(registration_no__icontains=word))
    return qs.order_by("search_name", "id")


class ProducerFilter(BootstrapMixin, forms.Form):
    """One filter for the page, the API and any export, so they always agree."""

    q = forms.CharField(label=_("Tìm theo tên"), required=False)
    producer_type = forms.ChoiceField(
        label=_("Loại hình"), required=False, choices=[("", _("Mọi loại hình"))] + ProducerType.choices
    )
    area = AreaIdField(label=_("Địa bàn"), required=False)
    women_led = forms.BooleanField(label=_("Phụ nữ làm chủ"), required=False)
    ethnic_minority_led = forms.BooleanField(label=_("Người dân tộc thiểu số làm chủ"), required=False)

    def apply(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        for word in fold(data["q"]).split():
            qs = qs.filter(search_name__contains=word)
        if data["producer_type"]:
            qs = qs.filter(producer_type=data["producer_type"])
        if data["area"]:
            qs = qs.filter(within(data["area"], "location"))
        if data["women_led"]:
            qs = qs.filter(women_led=True)
        if data["ethnic_minority_led"]:
            qs = qs.filter(ethnic_minority_led=True)
        # No per-producer aggregate here: counting and paging walk the producer table alone (rows() adds the count).
        return qs.select_related("location", "location__parent", "home_province").order_by("search_name", "id")

    @staticmethod
    def rows(producers):
        """`producers` (this filter's result, or a page of it) with `product_count`, grouped over its rows only."""
        from products.queries import page_only

        return (
            page_only(producers)
            .select_related("location", "location__parent", "home_province")
            .annotate(product_count=Count("products", distinct=True))
        )
