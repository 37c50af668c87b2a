"""The catalogue's search form: a GET form, so every result page is a shareable address."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level, Scheme
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.errors import DomainError
from core.forms import BootstrapMixin
from products.choices import CategoryLevel, CategorySystem
from products.models import ProductCategory
from programme.channel_queries import CHANNEL_FILTERS

STATUS_CHOICES = [
    ("valid", _("Còn hiệu lực")),
    ("expired", _("Đã hết hạn")),
    ("revoked", _("Đã bị thu hồi")),
    ("all", _("Mọi tình trạng (kể cả hết hạn, thu hồi)")),
]
SORT_CHOICES = [
    ("relevance", _("Phù hợp nhất")),
    ("name", _("Tên sản phẩm (A–Z)")),
    ("stars", _("Số sao (cao trước)")),
    ("newest", _("Mới được công nhận")),
]
STAR_CHOICES = [("", _("Mọi hạng sao")), (5, "5★"), (4, "4★"), (3, "3★")]


def _channel_choices():
    return [("", _("Mọi kênh bán hàng")), *CHANNEL_FILTERS]


class SubgroupField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # 1048's and 26/2026's sets both have 26 sub-groups, some with the same name
        return f"{obj.name} ({obj.system})"


class CatalogueSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Tìm sản phẩm, chủ thể, địa danh"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ví dụ: mật ong Mường Phăng"), "autocomplete": "off"}
        ),
    )
    group = forms.ModelChoiceField(
        label=_("Nhóm sản phẩm"),
        required=False,
        empty_label=_("Mọi nhóm"),
        to_field_name="code",
        queryset=ProductCategory.objects.filter(system=CategorySystem.S148, level=CategoryLevel.GROUP).order_by(
            "position"
        ),
    )
    subgroup = SubgroupField(
        label=_("Bộ sản phẩm"),
        required=False,
        empty_label=_("Mọi bộ sản phẩm"),
        queryset=ProductCategory.objects.filter(level=CategoryLevel.SUBGROUP).order_by("-system", "position", "code"),
    )
    stars = forms.TypedChoiceField(
        label=_("Số sao"), required=False, coerce=int, empty_value=None, choices=STAR_CHOICES
    )
    province = forms.CharField(label=_("Tỉnh, thành phố"), required=False, widget=forms.Select)
    area = AreaIdField(
        label=_("Xã, phường (hoặc địa bàn cũ)"),
        required=False,
        help_text=_("Tên hoặc mã địa bàn theo đơn vị hành chính mới hoặc cũ, ví dụ 2025:03328 hay pre2025:03331."),
    )
    status = forms.ChoiceField(label=_("Tình trạng giấy chứng nhận"), required=False, choices=STATUS_CHOICES)
    channel = forms.ChoiceField(label=_("Kênh bán hàng"), required=False, choices=_channel_choices)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE, scheme=Scheme.S2025).order_by("search_name")
        self.fields["province"].widget.choices = [("", _("Cả nước"))] + [
            (str(unit.area_id), unit.name) for unit in provinces.only("scheme", "level", "code", "name")
        ]

    def clean_province(self):
        """A province of either scheme by its area id: the select lists the new provinces, and a link may name an old
        one (pre2025:11)."""
        text = (self.cleaned_data["province"] or "").strip()
        if not text:
            return None
        try:
            unit = get_unit(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        if unit.level != Level.PROVINCE:
            raise forms.ValidationError(_("'%(v)s' không phải mã một tỉnh, thành phố.") % {"v": text})
        return unit
