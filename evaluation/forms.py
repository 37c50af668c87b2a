from django import forms
from django.db.models import Count, Q
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField
from core.forms import BootstrapMixin, PickerInput
from evaluation.choices import SetStatus
from evaluation.council_models import MemberRole
from evaluation.models import CriteriaSet, SheetScope


class RoundForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Tên đợt đánh giá"), max_length=255)
    province = AreaIdField(
        label=_("Tỉnh tổ chức"),
        help_text=_(
            "Gõ tên tỉnh (có hoặc không dấu) rồi chọn trong danh sách. Đợt của cấp huyện theo Quyết định 148/QĐ-TTg "
            "như ban hành (trước 01/07/2025): chọn huyện."
        ),
    )
    starts_on = forms.DateField(label=_("Từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    ends_on = forms.DateField(label=_("Đến ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    criteria_set = forms.ModelChoiceField(
        label=_("Bộ tiêu chí"),
        queryset=CriteriaSet.objects.filter(status=SetStatus.PUBLISHED),
        required=False,
        empty_label=_("— bộ tiêu chí có hiệu lực vào ngày bắt đầu đợt —"),
        help_text=_("Để trống: hệ thống chọn bộ tiêu chí đã ban hành có hiệu lực trong các ngày của đợt."),
    )
    meeting_date = forms.DateField(label=_("Ngày họp hội đồng"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    meeting_place = forms.CharField(label=_("Địa điểm họp"), max_length=255, required=False)
    historical = forms.BooleanField(
        label=_("Nhập lại đợt đánh giá cũ"),
        required=False,
        help_text=_("Chỉ khi nhập lại một đợt đã diễn ra: cho phép bộ tiêu chí hoặc tỉnh không còn hiệu lực hôm nay."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.no_set_on = None  # the start date on which no published set is in force, once cleaned
        # Choosing the start date says at once which set applies and which sheets it lacks (criteria_views.in_force)
        self.fields["starts_on"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("criteria:in_force"),
                "hx-trigger": "change",
                "hx-target": "#set-in-force",
                "hx-swap": "outerHTML",
            }
        )

    def clean(self):
        data = super().clean()
        starts_on, criteria_set = data.get("starts_on"), data.get("criteria_set")
        if starts_on and criteria_set is None:
            found = CriteriaSet.objects.in_force(starts_on).filter(status=SetStatus.PUBLISHED).order_by("-valid_from")
            if not found:
                self.no_set_on = starts_on
                raise forms.ValidationError(
                    _(
                        "Chưa có bộ tiêu chí đã ban hành nào có hiệu lực ngày %(d)s. Quản trị hệ thống soạn và ban "
                        "hành bộ tiêu chí (trang Bộ tiêu chí OCOP)."
                    )
                    % {"d": starts_on.strftime("%d/%m/%Y")}
                )
            data["criteria_set"] = found[0]
        return data

    def published_sets(self):
        """The published sets with how many of their groups / sub-groups have a sheet (a product needs its sheet)."""
        return (
            CriteriaSet.objects.filter(status=SetStatus.PUBLISHED)
            .annotate(
                n_scopes=Count("scopes", distinct=True),
                n_sheets=Count("scopes", filter=Q(scopes__criteria__isnull=False), distinct=True),
            )
            .order_by("-valid_from")
        )


class MemberForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("Người"),
        max_length=300,
        help_text=_("Gõ họ tên (không cần dấu) rồi chọn trong danh sách những người có vai trò chấm điểm của tỉnh."),
    )
    role = forms.ChoiceField(label=_("Vai trò trong hội đồng"), choices=MemberRole.choices)
    presides_for_chair = forms.BooleanField(
        label=_("Chủ trì thay chủ tịch khi chủ tịch có xung đột lợi ích"),
        required=False,
        help_text=_("Chỉ cho phó chủ tịch; phó chủ tịch đầu tiên được chỉ định nếu không chọn ai."),
    )

    def __init__(self, *args, evaluation_round=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evaluation_round is not None:
            self.fields["username"].widget = PickerInput(
                reverse("evaluation:pick_people", args=[evaluation_round.pk]), self.fields["username"].widget.attrs
            )


class SheetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, sheet):
        return f"{sheet.category.code} – {sheet.title or sheet.category.name}"


class ItemForm(BootstrapMixin, forms.Form):
    product = forms.CharField(
        label=_("Sản phẩm"),
        max_length=400,
        help_text=_("Gõ tên sản phẩm hoặc chủ thể (không cần dấu) rồi chọn trong danh sách."),
    )
    sheet = SheetChoiceField(
        label=_("Phiếu chấm"),
        queryset=SheetScope.objects.none(),
        required=False,
        empty_label=_("— theo phân nhóm của sản phẩm —"),
        help_text=_("Chọn khi sản phẩm chưa ghi phân nhóm của bộ tiêu chí này."),
    )

    def __init__(self, *args, evaluation_round=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evaluation_round is not None:
            self.fields["product"].widget = PickerInput(
                reverse("evaluation:pick_products", args=[evaluation_round.pk]), self.fields["product"].widget.attrs
            )
            self.fields["sheet"].queryset = (
                SheetScope.objects.filter(criteria_set=evaluation_round.criteria_set_id, criteria__isnull=False)
                .select_related("category")
                .distinct()
                .order_by("position", "id")
            )


class DecisionForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    date = forms.DateField(label=_("Ngày quyết định"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    level = forms.ChoiceField(
        label=_("Cấp ban hành"),
        required=False,
        choices=[("province", _("UBND cấp tỉnh")), ("district", _("UBND cấp huyện"))],
        help_text=_(
            "Cấp huyện: đợt của huyện theo Quyết định 148/QĐ-TTg như ban hành (3 sao), hoặc sản phẩm huyện chuyển lên "
            "mà tỉnh chấm dưới 70 điểm [thực tiễn]."
        ),
    )


# ── The advisory team's review and the ≥ 90 path to the ministry (evaluation.advisory, evaluation.proposals) ───────

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AdditionRequestForm(BootstrapMixin, forms.Form):
    missing = forms.CharField(
        label=_("Hồ sơ cần bổ sung"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Thiếu gì, cần nộp gì.")
    )
    due_on = forms.DateField(label=_("Hạn bổ sung"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))


class AdditionsReceivedForm(BootstrapMixin, forms.Form):
    received_on = forms.DateField(label=_("Ngày nhận bổ sung"), input_formats=DATE_FORMATS)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)


class SurveyForm(BootstrapMixin, forms.Form):
    surveyed_on = forms.DateField(label=_("Ngày khảo sát"), input_formats=DATE_FORMATS, help_text=_("dd/mm/yyyy"))
    participants = forms.CharField(label=_("Người khảo sát"), max_length=2000)
    findings = forms.CharField(
        label=_("Kết quả khảo sát"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Để trống khi mới lên lịch; ghi sau chuyến khảo sát."),
    )


class FindingsForm(BootstrapMixin, forms.Form):
    findings = forms.CharField(label=_("Kết quả khảo sát"), widget=forms.Textarea(attrs={"rows": 2}))


class AdvisoryReportForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("Tóm tắt đánh giá hồ sơ"), widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.CharField(
        label=_("Kiến nghị với chủ tịch hội đồng"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MinistryProposalForm(BootstrapMixin, forms.Form):
    items = forms.TypedMultipleChoiceField(
        label=_("Sản phẩm đề nghị Bộ"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    approval_no = forms.CharField(label=_("Số quyết định phê duyệt kết quả"), max_length=60, required=False)
    approval_date = forms.DateField(label=_("Ngày quyết định phê duyệt"), input_formats=DATE_FORMATS, required=False)
    letter_no = forms.CharField(label=_("Số văn bản đề nghị Bộ"), max_length=60)
    letter_date = forms.DateField(label=_("Ngày văn bản đề nghị"), input_formats=DATE_FORMATS)
    documents = forms.MultipleChoiceField(
        label=_("Hồ sơ gửi kèm"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items=(), approval_required=False, **kwargs):
        from evaluation.council_models import ProposalDocument

        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, i.product.name) for i in items]
        self.fields["documents"].choices = ProposalDocument.choices
        for name in ("approval_no", "approval_date"):
            self.fields[name].required = approval_required
        for name in ("items", "documents"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class MinistryRecognitionForm(BootstrapMixin, forms.Form):
    decision_no = forms.CharField(label=_("Số quyết định công nhận của Bộ"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), input_formats=DATE_FORMATS)
    central_score = forms.DecimalField(
        label=_("Điểm của Hội đồng cấp trung ương"), max_digits=5, decimal_places=2, required=False, localize=True
    )


class CentralBelow90Form(BootstrapMixin, forms.Form):
    notice_no = forms.CharField(label=_("Số văn bản Bộ thông báo kết quả"), max_length=60)
    notice_date = forms.DateField(label=_("Ngày thông báo"), input_formats=DATE_FORMATS)
    central_score = forms.DecimalField(
        label=_("Điểm của Hội đồng cấp trung ương"), max_digits=5, decimal_places=2, localize=True
    )
    central_stars = forms.TypedChoiceField(
        label=_("Hạng sao theo Hội đồng cấp trung ương"),
        coerce=int,
        choices=[(4, "4★"), (3, "3★"), (2, "2★"), (1, "1★")],
    )


class ProvinceOnCentralForm(BootstrapMixin, forms.Form):
    decision_no = forms.CharField(label=_("Số quyết định công nhận của tỉnh"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), input_formats=DATE_FORMATS)


class ReevaluationForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("Ngày quyết định đánh giá lại"), input_formats=DATE_FORMATS)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))
