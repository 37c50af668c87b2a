"""Forms of the village assessment pages; the rules themselves are in ntm.village_assessment_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from areas.forms import AreaIdField, AreaPicker
from core.forms import BootstrapMixin
from ntm.choices import AssessmentStatus
from ntm.forms import ShowPickedAreaMixin
from ntm.village_assessment_services import EVIDENCE_LIMIT, NOTE_LIMIT


class VillageAssessmentFilter(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    """The list's filter: area (either scheme; the assessment's commune lies in it, or is its counterpart across the
    2025 reform), year and status."""

    area = AreaIdField(
        label=_("Địa bàn"),
        required=False,
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Mọi trạng thái")), *AssessmentStatus.choices]
    )


class StartForm(BootstrapMixin, forms.Form):
    """Start a year's assessment of a village: the year, and the set when several apply."""

    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    criteria_set = forms.ModelChoiceField(label=_("Bộ tiêu chí"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, sets=None, **kwargs):
        from ntm.models import CriteriaSet

        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(kind="village")
        if sets is not None:
            self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(pk__in=[s.pk for s in sets])
        self.fields["criteria_set"].label_from_instance = lambda s: s.title


class VillageAssessmentForm(BootstrapMixin, forms.Form):
    """One checkbox and one evidence note per criterion, a note for the whole, the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assessment, criteria, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.criteria = criteria
        self.fields["version"].initial = assessment.version
        results = {r.criterion_id: r for r in assessment.results.all()}
        self.rows = []
        for criterion in criteria:
            result = results.get(criterion.pk)
            label = _("Minh chứng, ghi chú — tiêu chí %(n)s") % {"n": criterion.number}
            attrs = {"rows": 1, "aria-label": label}
            if not disabled:
                attrs["placeholder"] = _("Minh chứng, ghi chú")
            self.fields[f"met_{criterion.code}"] = forms.BooleanField(
                label=f"{criterion.number}. {criterion.name}",
                required=False,
                initial=bool(result and result.met),
                disabled=disabled,
            )
            self.fields[f"evidence_{criterion.code}"] = forms.CharField(
                label=label,
                required=False,
                max_length=EVIDENCE_LIMIT,
                initial=result.evidence if result else "",
                widget=forms.Textarea(attrs=attrs),
                disabled=disabled,
            )
            self.rows.append((criterion, f"met_{criterion.code}", f"evidence_{criterion.code}"))
        self.fields["note"] = forms.CharField(
            label=_("Ghi chú chung"),
            required=False,
            max_length=NOTE_LIMIT,
            initial=assessment.note,
            widget=forms.Textarea(attrs={"rows": 2}),
            disabled=disabled,
        )
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        from core.concurrency import stale_message

        data = super().clean()
        version = data.get("version")
        if version is not None and version != self.assessment.version:
            raise forms.ValidationError(stale_message(self.assessment), code="stale")
        return data

    def expected_version(self):
        return self.cleaned_data.get("version")

    def bound_rows(self):
        for criterion, met, evidence in self.rows:
            yield criterion, self[met], self[evidence]

    def results(self) -> dict:
        data = self.cleaned_data
        return {c.code: (data[f"met_{c.code}"], data[f"evidence_{c.code}"]) for c in self.criteria}
