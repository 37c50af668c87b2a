from django import forms
from django.utils.translation import gettext_lazy as _

from areas.choices import Level
from areas.forms import AreaIdField
from core.forms import BootstrapMixin
from evaluation.choices import SetStatus
from evaluation.council_models import MemberRole
from evaluation.models import CriteriaSet


class RoundForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Tên đợt đánh giá"), max_length=255)
    province = AreaIdField(level=Level.PROVINCE, label=_("Tỉnh (mã)"), help_text=_("Ví dụ 2025:11"))
    starts_on = forms.DateField(label=_("Từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    ends_on = forms.DateField(label=_("Đến ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    criteria_set = forms.ModelChoiceField(
        label=_("Bộ tiêu chí"),
        queryset=CriteriaSet.objects.filter(status=SetStatus.PUBLISHED),
        empty_label=_("— chọn bộ tiêu chí đã ban hành —"),
    )


class MemberForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò trong hội đồng"), choices=MemberRole.choices)


class ItemForm(BootstrapMixin, forms.Form):
    product = forms.IntegerField(
        label=_("Mã sản phẩm"), min_value=1, help_text=_("Số ở cuối địa chỉ trang sản phẩm, ví dụ /products/12/ → 12.")
    )


class DecisionForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    date = forms.DateField(label=_("Ngày quyết định"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
