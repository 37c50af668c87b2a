"""Permission-matrix rows and world objects of the NTM indicator evidence (issue 18), merged like routes_villages.

build(o, officer) gives each side an assessment of its commune against a small set with one indicator (created here,
never shipped: valid only in the year 2000 and of the nâng cao level, so no year's basic set changes) and an evidence
file on that indicator. Download: whoever reads NTM assessments of the commune; removal: the commune's officer.
"""

from tests.security.matrix_kinds import OBJECT, Route

NTM_V, ASSESS = "ntm.view", "ntm.assess"
G, P = ("GET",), ("POST",)


def _evidence(o, w, r):
    return {"pk": o.indicator_assessment.pk, "indicator": o.indicator.pk}


ROUTES: dict[str, Route] = {
    "ntm:indicator_evidence": Route(OBJECT, NTM_V, _evidence, methods=G),
    "ntm:indicator_evidence_remove": Route(OBJECT, ASSESS, _evidence, methods=P),
}
API: dict[tuple[str, str], Route] = {}


def build(o, officer):
    import datetime

    from django.core.files.base import ContentFile

    from ntm.models import Assessment, CriteriaSet, Criterion, Indicator, IndicatorValue

    criteria_set, _ = CriteriaSet.objects.get_or_create(
        code="mx-chi-tieu",
        defaults={
            "title": "MX bộ tiêu chí có chỉ tiêu (kiểm thử)",
            "level": "nang-cao",
            "valid_from": datetime.date(2000, 1, 1),
            "valid_until": datetime.date(2001, 1, 1),
        },
    )
    criterion, _ = Criterion.objects.get_or_create(
        criteria_set=criteria_set, code="tc1", defaults={"number": 1, "name": "MX tiêu chí"}
    )
    o.indicator, _ = Indicator.objects.get_or_create(
        criterion=criterion, code="1.1", defaults={"name": "MX chỉ tiêu", "unit": "%", "thresholds": {"all": "≥ 90%"}}
    )
    o.indicator_assessment = Assessment.objects.create(commune=o.commune, year=2000, criteria_set=criteria_set)
    value = IndicatorValue(assessment=o.indicator_assessment, indicator=o.indicator, value="95")
    value.evidence.save("mx.pdf", ContentFile(b"%PDF-1.4 MX"), save=False)
    value.evidence_name, value.evidence_type, value.evidence_size = f"MX-{o.tag}-minh-chung.pdf", "application/pdf", 11
    value.save()
