"""Permission-matrix rows and world objects of the NTM village registry (issue 18).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) and puts this family's objects on `o`. The side's village lies in the side's commune, so
the commune roles of the own side reach it (a commune officer adds and corrects villages of their commune: ntm.assess).
"""

from tests.security.matrix_kinds import LIST, OBJECT, Route, pk

NTM_V, MANAGE = "ntm.view", "ntm.manage"
REGISTRY = ("ntm.manage", "ntm.assess")  # adding and correcting a village: the province or the commune's officer
G, P, GP = ("GET",), ("POST",), ("GET", "POST")

ROUTES: dict[str, Route] = {
    "ntm:village_list": Route(LIST, NTM_V, empty_ok=True),
    "ntm:village_list#filtered": Route(LIST, NTM_V, query="area=2025:11", empty_ok=True),
    "ntm:village_create": Route(LIST, REGISTRY, methods=GP),
    "ntm:village_import": Route(LIST, MANAGE, methods=GP),
    "ntm:village_place_after_merger": Route(LIST, MANAGE, methods=P),
    "ntm:village_detail": Route(OBJECT, NTM_V, pk("village")),
    "ntm:village_edit": Route(OBJECT, REGISTRY, pk("village"), methods=GP),
    "ntm:village_move": Route(OBJECT, MANAGE, pk("village"), methods=GP),
    "ntm:village_close": Route(OBJECT, MANAGE, pk("village"), methods=GP),
    "ntm:village_merge": Route(OBJECT, MANAGE, pk("village"), methods=GP),
    "ntm:village_split": Route(OBJECT, MANAGE, pk("village"), methods=GP),
}
# The village block of GET /api/v1/reports/ntm is a field of an existing public operation: no new API route.
API: dict[tuple[str, str], Route] = {}


def build(o, officer):
    """The side's village, in its commune (named with o.tag's MX- mark)."""
    from ntm import village_services

    o.village = village_services.create_village(actor=officer, commune=o.commune, name=f"MX-{o.tag}-thon")
