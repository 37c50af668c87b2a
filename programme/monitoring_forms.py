"""Forms of the monitoring pages: the yearly report, a reason, the filters of the list, the due page, the watch list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField
from certification.forms import ImportForm
from core.forms import BootstrapMixin
from programme.models import MAX_REPORT_YEAR, MIN_REPORT_YEAR, ReportStatus
from programme.models.monitoring import MAX_AREA_HA, MAX_MONEY, MAX_PEOPLE, MAX_QUANTITY
from programme.monitoring_flags import LABELS
from programme.monitoring_queries import DONE, IN_PROGRESS, MISSING, WAITING

WHOLE_DONG = {"max_decimal_places": _("Ghi bằng đồng, không có phần lẻ.")}


def _count(label, help_text=""):
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_PEOPLE, initial=0, help_text=help_text)


class ReportForm(BootstrapMixin, forms.Form):
    """The figures of one report; the service checks them again (and the product, year and who may write)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    output_quantity = forms.DecimalField(
        label=_("Sản lượng"), min_value=0, max_value=MAX_QUANTITY, max_digits=18, decimal_places=3
    )
    output_unit = forms.CharField(label=_("Đơn vị tính"), max_length=30, help_text=_("Ví dụ: kg, tấn, lít, hộp."))
    revenue = forms.DecimalField(
        label=_("Doanh thu (đồng)"),
        min_value=0,
        max_value=MAX_MONEY,
        max_digits=18,
        decimal_places=0,
        error_messages=WHOLE_DONG,
    )
    average_price = forms.DecimalField(
        label=_("Giá bán bình quân (đồng/đơn vị)"),
        required=False,
        min_value=0,
        max_value=MAX_MONEY,
        max_digits=18,
        decimal_places=0,
        error_messages=WHOLE_DONG,
    )
    employees = _count(_("Số lao động"))
    employees_ethnic_minority = _count(_("Trong đó: người dân tộc thiểu số"))
    employees_women = _count(_("Trong đó: lao động nữ"))
    raw_material_area_ha = forms.DecimalField(
        label=_("Diện tích vùng nguyên liệu (ha)"),
        required=False,
        min_value=0,
        max_value=MAX_AREA_HA,
        max_digits=12,
        decimal_places=2,
    )
    households_linked = _count(_("Số hộ liên kết"))
    markets = forms.CharField(
        label=_("Thị trường tiêu thụ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Các tỉnh trong nước; xuất khẩu (nước nào)."),
    )
    channels = forms.CharField(
        label=_("Kênh bán hàng"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=_("Khó khăn, kiến nghị"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        total = data.get("employees")
        if total is not None:
            for part in ("employees_ethnic_minority", "employees_women"):
                if data.get(part) is not None and data[part] > total:
                    self.add_error(part, _("Không được lớn hơn tổng số lao động."))
        return data

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _this_year():
    return timezone.localdate().year


def _year_field():
    return forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_REPORT_YEAR, max_value=MAX_REPORT_YEAR)


class _Filter(BootstrapMixin, forms.Form):
    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


class ReportFilter(_Filter):
    """The list's, the API's and the export's filter (one class, so they agree)."""

    year = _year_field()
    area = AreaIdField(label=_("Địa bàn"), required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Mọi tình trạng")), *ReportStatus.choices]
    )


DUE_STATES = [
    ("", _("Tất cả")),
    (MISSING, _("Chưa lập báo cáo")),
    (IN_PROGRESS, _("Đang lập hoặc bị trả lại")),
    (WAITING, _("Chờ tỉnh duyệt")),
    (DONE, _("Đã duyệt")),
]


class DueFilter(_Filter):
    year = _year_field()
    area = AreaIdField(label=_("Địa bàn"), required=False)
    state = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=DUE_STATES)

    def year_value(self) -> int:
        return self.value("year") or _this_year() - 1


class WatchFilter(_Filter):
    area = AreaIdField(label=_("Địa bàn"), required=False)
    flag = forms.ChoiceField(
        label=_("Dấu hiệu"),
        required=False,
        choices=[("", _("Mọi sản phẩm")), ("any", _("Có ít nhất một dấu hiệu")), *LABELS.items()],
    )


class MonitoringImportForm(ImportForm):
    kind = None  # one layout only
