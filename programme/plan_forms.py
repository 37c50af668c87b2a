"""Forms of the plan pages: documents, annual plans, targets, lines, links, filters and the import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.filters import within
from areas.forms import AreaIdField
from certification.forms import ImportForm
from core.forms import BootstrapMixin
from core.text import fold, is_id
from ntm.choices import COMMUNE_LEVELS, RecognitionLevel
from products.choices import CategoryLevel, CategorySystem
from products.models import Product, ProductCategory, ProductIdea
from programme.models import (
    MAX_YEAR,
    MIN_YEAR,
    AnnualPlan,
    PlanLine,
    PlanTarget,
    ProgrammeDocument,
)
from programme.plan_queries import MANAGE, documents_for
from programme.plan_services import DOCUMENT_FIELDS, LINE_FIELDS, PLAN_FIELDS, TARGET_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STAR_CHOICES = [("", "—"), (3, _("3 sao")), (4, _("4 sao")), (5, _("5 sao"))]
SELECT_LIMIT = 500  # above this many products in the plan's area, the link form takes an id or a name instead


def _year_field(label, required=True):
    return forms.IntegerField(label=label, required=required, min_value=MIN_YEAR, max_value=MAX_YEAR)


class _ServiceValidated(BootstrapMixin, forms.ModelForm):
    """The service validates the model (with the scope check first); the form only checks its fields."""

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def _show_unit(self, name):
        unit = getattr(self.instance, name, None) if self.instance.pk else None
        if unit is not None:  # the picker shows the unit's label, not its database id
            self.initial[name] = unit


class DocumentForm(_ServiceValidated):
    area = AreaIdField(label=_("Địa bàn ban hành"))
    start_year = _year_field(_("Từ năm"))
    end_year = _year_field(_("Đến năm"))

    class Meta:
        model = ProgrammeDocument
        fields = DOCUMENT_FIELDS
        widgets = {"decision_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._show_unit("area")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Năm kết thúc không được trước năm bắt đầu."))
        return data


class PlanForm(_ServiceValidated):
    area = AreaIdField(label=_("Địa bàn"), help_text=_("Tỉnh, huyện (trước 07/2025) hoặc xã lập kế hoạch."))
    year = _year_field(_("Năm"))

    class Meta:
        model = AnnualPlan
        fields = PLAN_FIELDS
        widgets = {"decision_date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._show_unit("area")
        self.fields["document"].queryset = documents_for(user).order_by("-start_year", "title")


class TargetForm(_ServiceValidated):
    stars = forms.TypedChoiceField(
        label=_("Hạng sao"), choices=STAR_CHOICES, coerce=int, empty_value=None, required=False
    )
    ntm_level = forms.ChoiceField(
        label=_("Mức nông thôn mới"),
        required=False,
        choices=[("", "—"), *((level, RecognitionLevel(level).label) for level in COMMUNE_LEVELS)],
    )
    sub_area = AreaIdField(label=_("Địa bàn chỉ tiêu"), required=False)

    class Meta:
        model = PlanTarget
        fields = TARGET_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._show_unit("sub_area")
        self.fields["group"].queryset = ProductCategory.objects.filter(
            system=CategorySystem.S148, level=CategoryLevel.GROUP
        ).order_by("position", "name")


class LineForm(_ServiceValidated):
    commune = AreaIdField(label=_("Xã"), level=Level.COMMUNE, required=False)
    target_stars = forms.TypedChoiceField(
        label=_("Hạng sao phấn đấu"), choices=STAR_CHOICES, coerce=int, empty_value=None, required=False
    )
    planned_amount = forms.DecimalField(
        label=_("Kinh phí dự kiến (đồng)"),
        required=False,
        min_value=0,
        max_value=10**15,
        max_digits=18,
        decimal_places=0,
        error_messages={"max_decimal_places": _("Kinh phí ghi bằng đồng, không có phần lẻ.")},
    )

    class Meta:
        model = PlanLine
        fields = LINE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._show_unit("commune")


class _RecordField(forms.CharField):
    """A product or idea by its id, or by a name that names one record of the queryset (for large areas)."""

    def __init__(self, *, queryset, name_field, **kwargs):
        self.queryset, self.name_field = queryset, name_field
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = self.queryset.filter(pk=int(text)) if is_id(text) else self._by_name(text)
        found = list(found[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("Không tìm thấy '%(t)s' trong địa bàn của kế hoạch.") % {"t": text}
                if not found
                else _("'%(t)s' trùng tên nhiều mục: hãy ghi mã số.") % {"t": text}
            )
        return found[0]

    def _by_name(self, text):
        if self.name_field == "search_name":
            return self.queryset.filter(search_name=fold(text))
        return self.queryset.filter(**{f"{self.name_field}__iexact": text})


class LinkForm(BootstrapMixin, forms.Form):
    """Link a line to a product and/or an idea of the plan's area within the user's scope."""

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        products = (
            Product.objects.for_user(user, MANAGE)
            .filter(within(plan.area, "location"))
            .select_related("producer")
            .order_by("search_name", "id")
        )
        ideas = (
            ProductIdea.objects.for_user(user, MANAGE)
            .filter(within(plan.area, "location"))
            .select_related("producer")
            .order_by("product_name", "id")
        )
        for name, qs, label, name_field in (
            ("product", products, _("Sản phẩm"), "search_name"),
            ("idea", ideas, _("Ý tưởng sản phẩm"), "product_name"),
        ):
            if qs.count() < SELECT_LIMIT:
                field = forms.ModelChoiceField(label=label, queryset=qs, required=False)
                field.label_from_instance = lambda r: f"{r} ({r.producer.name})"
            else:
                field = _RecordField(
                    label=label,
                    queryset=qs,
                    name_field=name_field,
                    required=False,
                    help_text=_("Ghi mã số hoặc tên đầy đủ."),
                )
            self.fields[name] = field
        for field in self.fields.values():  # made after BootstrapMixin styled the (then empty) form
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("product") and not data.get("idea"):
            raise forms.ValidationError(_("Hãy chọn ý tưởng hoặc sản phẩm để liên kết."))
        return data


class PlanFilter(BootstrapMixin, forms.Form):
    """The list page's and the API's filter (one class, so both agree)."""

    year = _year_field(_("Năm"), required=False)
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def values(self) -> dict:
        if not self.is_valid():
            return {"year": None, "area": None}
        return {"year": self.cleaned_data.get("year"), "area": self.cleaned_data.get("area")}


class DocumentFilter(BootstrapMixin, forms.Form):
    area = AreaIdField(label=_("Địa bàn"), required=False)

    def area_value(self):
        return self.cleaned_data.get("area") if self.is_valid() else None


class PlanImportForm(ImportForm):
    kind = None  # one layout only
