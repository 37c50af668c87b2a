from django import forms
from django.utils.translation import gettext_lazy as _

from areas.filters import within
from areas.forms import AreaIdField, AreaPicker, pick_label
from areas.identifiers import CountryId, MalformedAreaId, parse_report_area
from certification.forms import ImportForm
from core.forms import BootstrapMixin
from ntm.choices import COMMUNE_LEVELS, CommuneGroup, RecognitionLevel


def _area_field(**kwargs) -> AreaIdField:
    """A unit picked by name, accent-insensitive, in either scheme (a district only exists before 2025)."""
    return AreaIdField(
        label=_("Địa bàn"),
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
        **kwargs,
    )


class ReportAreaIdField(AreaIdField):
    """AreaIdField, plus the whole country (`vn`, `vn@pre2025`, `vn@2025`), cleaned to a CountryId: the view turns it
    into the country for a nationwide reader and refuses it to anyone else (areas.queries.report_area)."""

    def clean(self, value):
        try:
            parsed = parse_report_area((value or "").strip())
        except MalformedAreaId:
            parsed = None
        if isinstance(parsed, CountryId):
            return parsed
        return super().clean(value)


class ShowPickedAreaMixin:
    """Once the area is valid, the box shows the unit by name, also when a link or the default passed its id."""

    def clean(self):
        cleaned = super().clean()
        if isinstance(cleaned.get("area"), CountryId):
            self.data = self.data.copy()
            self.data["area"] = str(cleaned["area"])  # the country keeps its id in the box (`vn`, `vn@2025`)
        elif cleaned.get("area") is not None:
            self.data = self.data.copy()
            self.data["area"] = pick_label(cleaned["area"])
        return cleaned


class ReportForm(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    area = ReportAreaIdField(
        label=_("Địa bàn"),
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
    )


class RecognitionFilter(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    """The recognition list's filters: an area of either scheme (its communes, across the 2025 reform) and a level."""

    area = _area_field(required=False)
    level = forms.ChoiceField(
        label=_("Mức công nhận"), required=False, choices=[("", _("Mọi mức")), *RecognitionLevel.choices]
    )

    def apply(self, qs):
        if not self.is_valid():
            return qs.none()
        if self.cleaned_data["area"] is not None:
            qs = qs.filter(within(self.cleaned_data["area"], "commune"))
        if self.cleaned_data["level"]:
            qs = qs.filter(level=self.cleaned_data["level"])
        return qs


class NtmImportForm(ImportForm):
    kind = None  # one layout only


class AssessmentForm(BootstrapMixin, forms.Form):
    """One checkbox and one evidence note per criterion, one value per indicator, a note for the whole."""

    # The version the form was read at (core.concurrency): a save over someone else's later save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assessment, criteria, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.assessment = assessment
        self.fields["version"].initial = assessment.version
        results = {r.criterion_id: r for r in assessment.results.all()}
        values = {v.indicator_id: v.value for v in assessment.indicator_values.all()}
        self.rows = []
        for criterion in criteria:
            result = results.get(criterion.pk)
            met = forms.BooleanField(
                label=f"{criterion.number}. {criterion.name}",
                required=False,
                initial=bool(result and result.met),
                disabled=disabled,
            )
            evidence_label = _("Minh chứng, ghi chú — tiêu chí %(n)s") % {"n": criterion.number}
            attrs = {"rows": 1, "aria-label": evidence_label}
            if not disabled:  # a locked form shows what was written, not an invitation to write
                attrs["placeholder"] = _("Minh chứng, ghi chú")
            evidence = forms.CharField(
                label=evidence_label,
                required=False,
                initial=result.evidence if result else "",
                widget=forms.Textarea(attrs=attrs),
                disabled=disabled,
            )
            self.fields[f"met_{criterion.code}"] = met
            self.fields[f"evidence_{criterion.code}"] = evidence
            indicator_names = []
            for indicator in criterion.indicators.all():
                name = f"indicator_{indicator.pk}"
                self.fields[name] = forms.CharField(
                    label=f"{indicator.code} {indicator.name}",
                    required=False,
                    max_length=100,
                    initial=values.get(indicator.pk, ""),
                    help_text=" · ".join(
                        filter(
                            None,
                            [
                                indicator.unit,
                                str(_("ngưỡng: %(t)s") % {"t": indicator.threshold_for(assessment.commune_group)})
                                if indicator.threshold_for(assessment.commune_group)
                                else "",
                                str(_("không bắt buộc")) if indicator.optional else "",
                            ],
                        )
                    ),
                    disabled=disabled,
                )
                indicator_names.append(name)
            self.rows.append((criterion, f"met_{criterion.code}", f"evidence_{criterion.code}", indicator_names))
        self.fields["note"] = forms.CharField(
            label=_("Ghi chú chung"),
            required=False,
            initial=assessment.note,
            widget=forms.Textarea(attrs={"rows": 2}),
            disabled=disabled,
        )
        # BootstrapMixin styled the fields the class declares; these were added after it ran
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        # Checked here against the row the page read, and again by save_assessment on the locked row when the
        # view passes `expected_version`.
        from core.concurrency import stale_message

        data = super().clean()
        version = data.get("version")
        if version is not None and version != self.assessment.version:
            raise forms.ValidationError(stale_message(self.assessment), code="stale")
        return data

    def expected_version(self):
        return self.cleaned_data.get("version")

    def bound_rows(self):
        for criterion, met, evidence, indicators in self.rows:
            yield criterion, self[met], self[evidence], [self[name] for name in indicators]

    def results(self) -> dict:
        data = self.cleaned_data
        return {c.code: (data[f"met_{c.code}"], data[f"evidence_{c.code}"]) for c in self.criteria}

    def indicator_values(self) -> dict:
        return {
            int(name.split("_", 1)[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("indicator_")
        }


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class RecognitionForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("Mức công nhận"), choices=RecognitionLevel.choices)
    village_ref = forms.ModelChoiceField(
        label=_("Thôn, bản trong danh mục"),
        queryset=None,
        required=False,
        help_text=_("Chọn thôn, bản của xã; hoặc ghi tên ở ô dưới nếu chưa có trong danh mục."),
    )
    village = forms.CharField(label=_("Thôn, bản (chỉ với công nhận thôn, bản)"), required=False, max_length=150)

    def __init__(self, *args, commune=None, **kwargs):
        """`commune`: offer its registry villages (open ones, placed there now); without it, none."""
        from ntm.models import Village

        super().__init__(*args, **kwargs)
        villages = Village.objects.none()
        if commune is not None:
            villages = Village.objects.filter(
                placements__commune=commune, placements__valid_to__isnull=True, valid_to__isnull=True
            ).order_by("search_name")
        self.fields["village_ref"].queryset = villages
        if commune is None:
            del self.fields["village_ref"]

    decision_no = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))


class AcknowledgementForm(BootstrapMixin, forms.Form):
    """The province's "thừa nhận" of a commune formed by merging: its level, decision and the communes it follows."""

    level = forms.ChoiceField(label=_("Mức thừa nhận"), choices=[(str(level), level.label) for level in COMMUNE_LEVELS])
    decision_no = forms.CharField(label=_("Số quyết định thừa nhận"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))
    follows_from = forms.MultipleChoiceField(
        label=_("Thừa nhận từ các xã trước sắp xếp"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, predecessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(p.unit.pk): p.unit for p in predecessors}
        self.fields["follows_from"].choices = [
            (str(p.unit.pk), f"{p.unit.name} ({p.unit.district.name if p.unit.district else p.unit.area_id})")
            for p in predecessors
        ]
        self.fields["follows_from"].initial = list(self.units)

    def follows_from_units(self):
        return [self.units[pk] for pk in self.cleaned_data["follows_from"]]


class RevocationForm(BootstrapMixin, forms.Form):
    revoked_on = forms.DateField(label=_("Thu hồi từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    decision_no = forms.CharField(label=_("Số quyết định thu hồi"), required=False, max_length=60)
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 2}))


class CommuneGroupForm(BootstrapMixin, forms.Form):
    group = forms.TypedChoiceField(label=_("Nhóm xã"), choices=CommuneGroup.choices, coerce=int)
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    decided_by = forms.CharField(label=_("Căn cứ (số quyết định)"), max_length=255)
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
