"""Forms of the sales-channel section: one per kind of channel, plus the officer's rejection reason.

The forms check what a person typed (the model's validators and `clean()` run through the ModelForm); the services
check the same rules again on the values they store, so an API or a command cannot bypass them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from areas.models import AdministrativeUnit
from core.forms import BootstrapMixin
from programme.models import (
    AGREEMENT_FIELDS,
    LISTING_FIELDS,
    OUTLET_FIELDS,
    URL_MESSAGE,
    DistributionAgreement,
    EcommerceListing,
    Outlet,
)


class OutletForm(BootstrapMixin, forms.ModelForm):
    commune = AreaIdField(
        label=_("Xã, phường"),
        level=Level.COMMUNE,
        help_text=_("Gõ tên xã, phường nơi đặt điểm bán (có hoặc không dấu) rồi chọn trong danh sách."),
    )

    class Meta:
        model = Outlet
        fields = OUTLET_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the picker shows a unit's name, not the id model_to_dict gives
        if isinstance(self.initial.get("commune"), int):
            self.initial["commune"] = AdministrativeUnit.objects.filter(pk=self.initial["commune"]).first()


class ListingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EcommerceListing
        fields = LISTING_FIELDS
        widgets = {
            "url": forms.URLInput(attrs={"placeholder": "https://"}),
            "checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {"url": {"invalid": URL_MESSAGE}}
        help_texts = {"checked_on": _("Ngày bạn mở thử liên kết và thấy gian hàng còn bán sản phẩm.")}


class AgreementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DistributionAgreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


FORMS = {"outlet": OutletForm, "listing": ListingForm, "agreement": AgreementForm}


def initial_from(obj) -> dict:
    """What an edit form starts from: the pending (or rejected) proposal when there is one, so the producer edits
    what they proposed, else the public version."""
    if obj.proposal and not obj.proposal_removes:
        return {name: obj.proposal.get(name) for name in obj.CHANNEL_FIELDS}
    return {}


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Nhập lý do từ chối để chủ thể biết cần sửa gì.")},
    )
