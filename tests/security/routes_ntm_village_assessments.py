"""Permission-matrix rows and world objects of the NTM village assessments (issue 18), merged like routes_villages.

build(o, officer) gives each side a village set of its province (test data made with the ORM: no official village set
text is shipped) and the 2026 draft assessment of the side's village (routes_villages builds the village first).
"""

from tests.security.matrix_kinds import LIST, OBJECT, Route, pk

NTM_V, ASSESS, APPROVE = "ntm.view", "ntm.assess", "ntm.approve"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")


def _step(action):
    return lambda o, w, r: {"pk": o.village_assessment.pk, "action": action}


ROUTES: dict[str, Route] = {
    "ntm:village_assessment_list": Route(LIST, NTM_V, empty_ok=True),
    "ntm:village_assessment_list#filtered": Route(
        LIST, NTM_V, query="area=2025:11&year=2026&status=submitted", empty_ok=True
    ),
    "ntm:village_assessment_start": Route(OBJECT, ASSESS, pk("village"), methods=P),
    "ntm:village_assessment": Route(OBJECT, NTM_V, pk("village_assessment"), methods=GP),
    "ntm:village_assessment_transition": Route(OBJECT, APPROVE, _step("approve"), methods=P),
    "ntm:village_assessment_transition#return": Route(OBJECT, APPROVE, _step("return"), methods=P),
    "ntm:village_assessment_transition#unapprove": Route(OBJECT, APPROVE, _step("unapprove"), methods=P),
}
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/ntm/village-assessments"): Route(LIST, NTM_V, query="year=2026", empty_ok=True),
}


def build(o, officer):
    import datetime

    from ntm import village_assessment_services
    from ntm.models import CriteriaSet, Criterion

    village_set = CriteriaSet.objects.create(
        # criteria sets are reference data every reader lists (GET /api/v1/ntm/criteria-sets): no MX- mark here
        code=f"thon-thu-{o.tag.lower()}",
        title=f"Bộ tiêu chí thôn thử {o.tag}",
        kind="village",
        level="dat-chuan",
        issuer="province",
        province=o.province,
        valid_from=datetime.date(2020, 1, 1),
    )
    Criterion.objects.create(criteria_set=village_set, code="1", number=1, name="Tiêu chí thử 1")
    o.village_set = village_set
    o.village_assessment, _created = village_assessment_services.start_village_assessment(
        actor=None, village=o.village, year=2026, criteria_set=village_set
    )
