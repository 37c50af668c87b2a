"""Permission-matrix rows and world objects of the NTM advanced and model levels (issue 18), merged like
routes_villages.

build(o, officer) makes (once, shared by both sides: national sets apply to every commune) a national nâng cao set
with one criterion and a national count-only kiểu mẫu set (test data made with the ORM: no official text of either is
shipped), so the level pages of each side's commune have a set to start and a set to count against for 2026.
"""

from tests.security.matrix_kinds import OBJECT, Route

NTM_V, ASSESS = "ntm.view", "ntm.assess"
COUNT = ("ntm.assess", "ntm.manage")  # a count-only result: the commune's officer or the province
G, P, GP = ("GET",), ("POST",), ("GET", "POST")
WITH_CRITERIA, COUNT_ONLY = "nc-thu-ma-tran", "km-thu-ma-tran"


def _commune(o, w, r):
    return {"area_id": o.commune_id}


ROUTES: dict[str, Route] = {
    "ntm:levels": Route(OBJECT, NTM_V, _commune, query="year=2026"),
    "ntm:level_start": Route(
        OBJECT, ASSESS, _commune, methods=P, data=lambda o, w, r: {"year": 2026, "criteria_set": WITH_CRITERIA}
    ),
    "ntm:level_count": Route(
        OBJECT,
        COUNT,
        _commune,
        methods=GP,
        query=f"year=2026&criteria_set={COUNT_ONLY}",
        data=lambda o, w, r: {"year": 2026, "criteria_set": COUNT_ONLY, "criteria_met": 1, "note": ""},
    ),
}
# `criteria_set=` is a parameter of the existing public GET /api/v1/reports/ntm: no new API operation.
API: dict[tuple[str, str], Route] = {}


def build(o, officer):
    import datetime

    from ntm.models import CriteriaSet, Criterion

    common = {"kind": "commune", "issuer": "national", "valid_from": datetime.date(2020, 1, 1)}
    advanced, created = CriteriaSet.objects.get_or_create(
        code=WITH_CRITERIA, defaults={"title": "Bộ tiêu chí nâng cao thử (ma trận)", "level": "nang-cao", **common}
    )
    if created:
        Criterion.objects.create(criteria_set=advanced, code="1", number=1, name="Tiêu chí thử 1")
    CriteriaSet.objects.get_or_create(
        code=COUNT_ONLY,
        defaults={"title": "Bộ tiêu chí kiểu mẫu thử (ma trận)", "level": "kieu-mau", "declared_criteria": 5, **common},
    )
    o.level_sets = (WITH_CRITERIA, COUNT_ONLY)
