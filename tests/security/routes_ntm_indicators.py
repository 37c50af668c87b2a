"""Permission-matrix rows and world objects of the NTM indicator evidence (issue 18), merged like routes_villages."""

from tests.security.matrix_kinds import LIST, OBJECT, Route, pk  # noqa: F401

ROUTES: dict[str, Route] = {}
API: dict[tuple[str, str], Route] = {}


def build(o, officer):
    pass
