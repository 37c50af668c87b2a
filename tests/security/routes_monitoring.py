"""Permission-matrix rows and world objects of the programme's monitoring pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.
"""

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk  # noqa: F401

ROUTES: dict[str, Route] = {}
API: dict[tuple[str, str], Route] = {}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them)."""
