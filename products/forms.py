from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class CurrentLocationForm(BootstrapMixin, forms.Form):
    current_location = forms.ModelChoiceField(
        label=_("Xã hiện nay"), queryset=None, empty_label=_("— chưa chọn —"), required=False
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        from areas.models import AdministrativeUnit

        self.fields["current_location"].queryset = AdministrativeUnit.objects.filter(
            predecessions__predecessor=product.location
        ).order_by("name")
        self.fields["current_location"].initial = product.current_location_id


class ProductForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        from products.models import Product

        model = Product
        fields = ["name", "group", "subgroup", "status", "description", "story"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "story": forms.Textarea(attrs={"rows": 6})}
