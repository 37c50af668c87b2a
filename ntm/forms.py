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


class _SetChoiceField(forms.ChoiceField):
    """A set code from the list; one not in it (a link, an old bookmark) reaches ntm.queries.report_set, which says
    which sets apply to the year."""

    def valid_value(self, value):
        return len(value) <= 40


class ReportForm(ShowPickedAreaMixin, BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    area = ReportAreaIdField(
        label=_("Địa bàn"),
        help_text="",
        widget=AreaPicker(attrs={"placeholder": _("Gõ tên tỉnh, huyện, xã rồi chọn…")}),
    )
    # A set to read the figures against (issue 18: nâng cao, kiểu mẫu, a province's set); whether it applies to the
    # year is ntm.queries.report_set's to say, with the list of the sets that do.
    criteria_set = _SetChoiceField(label=_("Bộ tiêu chí"), required=False)

    def __init__(self, *args, **kwargs):
        from ntm.choices import SetKind
        from ntm.models import CriteriaSet

        super().__init__(*args, **kwargs)
        sets = list(
            CriteriaSet.objects.filter(kind=SetKind.COMMUNE)
            .order_by("-valid_from", "level", "code")
            .only("code", "title")
        )
        self._set_codes = {str(s.pk): s.code for s in sets}
        # the options carry the set's id, not its code (pages show no code names); links and the API pass the code
        self.fields["criteria_set"].choices = [
            ("", _("Bộ tiêu chí cơ bản của năm")),
            *((str(s.pk), s.title) for s in sets),
        ]

    def clean_criteria_set(self):
        """The chosen set's code (from an option's id or a code in the link); the option stays selected."""
        value = (self.cleaned_data.get("criteria_set") or "").strip()
        code = self._set_codes.get(value, value)
        picked = next((pk for pk, c in self._set_codes.items() if c == code), None)
        if picked is not None and self.data.get("criteria_set") != picked:
            self.data = self.data.copy()
            self.data["criteria_set"] = picked
        return code


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


class IndicatorRow:
    """One indicator on the assessment form: its fields, the threshold for the commune's group, what was stored."""

    def __init__(self, form, indicator, stored):
        self.indicator = indicator
        self.stored = stored
        self.value = form[f"indicator_{indicator.pk}"]
        self.note = form[f"indicator_note_{indicator.pk}"]
        self.file = form[f"indicator_file_{indicator.pk}"]
        self.threshold = form.threshold_text(indicator)

    @property
    def result(self) -> str:
        """'met', 'not-met', 'unjudged' (a value the threshold cannot be read against) or '' (nothing entered)."""
        if self.stored is None or not self.stored.value:
            return ""
        return {True: "met", False: "not-met"}.get(self.stored.met, "unjudged")


class AssessmentForm(BootstrapMixin, forms.Form):
    """One checkbox and one evidence note per criterion; per indicator a value, a note and an evidence file, with the
    threshold of the commune's group (every group's when the commune has none yet); a note for the whole."""

    # The version the form was read at (core.concurrency): a save over someone else's later save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assessment, criteria, disabled=False, **kwargs):
        from core.uploads import accept_attribute, describe
        from ntm.choices import IndicatorRule
        from ntm.services import EVIDENCE_KINDS

        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.assessment = assessment
        criteria_set = assessment.criteria_set
        self.fields["version"].initial = assessment.version
        results = {r.criterion_id: r for r in assessment.results.all()}
        self.stored_values = {v.indicator_id: v for v in assessment.indicator_values.all()}
        self.group_missing = criteria_set.uses_commune_groups and assessment.commune_group is None
        self.by_indicators = criteria_set.indicator_rule == IndicatorRule.INDICATORS
        self.has_indicators = False
        self.indicator_ids = []
        self.evidence_kinds = describe(EVIDENCE_KINDS)
        self.rows = []
        for criterion in criteria:
            result = results.get(criterion.pk)
            indicators = list(criterion.indicators.all())
            self.has_indicators = self.has_indicators or bool(indicators)
            met = forms.BooleanField(
                label=f"{criterion.number}. {criterion.name}",
                required=False,
                initial=bool(result and result.met),
                disabled=disabled,
                help_text=self._criterion_rule(criterion, indicators),
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
            for indicator in indicators:
                stored = self.stored_values.get(indicator.pk)
                self.indicator_ids.append(indicator.pk)
                self.fields[f"indicator_{indicator.pk}"] = forms.CharField(
                    label=f"{indicator.code} {indicator.name}",
                    required=False,
                    max_length=100,
                    initial=stored.value if stored else "",
                    disabled=disabled,
                    widget=forms.TextInput(attrs={"inputmode": "decimal" if indicator.unit else "text"}),
                )
                self.fields[f"indicator_note_{indicator.pk}"] = forms.CharField(
                    label=_("Ghi chú, nguồn số liệu — chỉ tiêu %(c)s") % {"c": indicator.code},
                    required=False,
                    max_length=500,
                    initial=stored.note if stored else "",
                    disabled=disabled,
                )
                self.fields[f"indicator_file_{indicator.pk}"] = forms.FileField(
                    label=_("Tệp minh chứng — chỉ tiêu %(c)s") % {"c": indicator.code},
                    required=False,
                    disabled=disabled,
                    widget=forms.FileInput(attrs={"accept": accept_attribute(EVIDENCE_KINDS)}),
                )
            self.rows.append((criterion, f"met_{criterion.code}", f"evidence_{criterion.code}", indicators))
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

    def threshold_text(self, indicator) -> str:
        from ntm.indicators import thresholds_text

        return thresholds_text(indicator, self.assessment.commune_group)

    def _criterion_rule(self, criterion, indicators) -> str:
        if not indicators or not self.by_indicators:
            return ""
        if criterion.min_indicators:
            return _("Tự xét: đạt khi ít nhất %(n)s chỉ tiêu đạt; khi chưa đủ số liệu để xét, theo ô đánh dấu.") % {
                "n": criterion.min_indicators
            }
        return _("Tự xét: đạt khi mọi chỉ tiêu bắt buộc đạt; khi chưa đủ số liệu để xét, theo ô đánh dấu.")

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
            yield (
                criterion,
                self[met],
                self[evidence],
                [IndicatorRow(self, i, self.stored_values.get(i.pk)) for i in indicators],
            )

    def results(self) -> dict:
        data = self.cleaned_data
        return {c.code: (data[f"met_{c.code}"], data[f"evidence_{c.code}"]) for c in self.criteria}

    def indicator_values(self) -> dict:
        """{indicator id: (value, note)}."""
        data = self.cleaned_data
        return {pk: (data[f"indicator_{pk}"], data[f"indicator_note_{pk}"]) for pk in self.indicator_ids}

    def evidence_files(self) -> dict:
        """{indicator id: uploaded file} for the files chosen."""
        data = self.cleaned_data
        return {pk: data[f"indicator_file_{pk}"] for pk in self.indicator_ids if data.get(f"indicator_file_{pk}")}


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
