"""Permission-matrix rows and world objects of the programme's funding pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.
"""

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk  # noqa: F401

PV, FUND = "programme.view", "programme.manage_funding"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")

# Each side has one support line for its product (`support_line`, of the producer the side's producer account is
# linked to), so every holder of programme.view on the own side reaches it and Sơn La's is a 404.
ROUTES: dict[str, Route] = {
    "programme:support_list": Route(LIST, PV),
    "programme:support_create": Route(LIST, FUND, methods=GP),
    "programme:funding_report": Route(LIST, PV),
    "programme:funding_report#xlsx": Route(LIST, PV, query="format=xlsx"),
    "programme:support_results": Route(LIST, PV),
    "programme:funding_import": Route(LIST, FUND, methods=GP),
    "programme:support_detail": Route(OBJECT, PV, pk("support_line")),
    "programme:support_edit": Route(OBJECT, FUND, pk("support_line"), methods=GP),
    "programme:support_delete": Route(OBJECT, FUND, pk("support_line"), methods=P),
    "programme:product_funding": Route(OBJECT, PV, pk("product", "product_id")),
}
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/programme/funding"): Route(LIST, PV, empty_ok=True),
    ("GET", "/api/v1/programme/funding/totals"): Route(LIST, PV, empty_ok=True),
    ("GET", "/api/v1/programme/funding/{line_id}"): Route(OBJECT, PV, pk("support_line", "line_id")),
    ("POST", "/api/v1/programme/funding"): Route(LIST, FUND, methods=P),
}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them)."""
    from decimal import Decimal

    from programme import funding_services

    o.support_line = funding_services.create_support(
        actor=officer,
        province=o.province,
        year=2024,
        product=o.product,
        purpose="packaging",
        source="ntm",
        supporter="province",
        amount_planned=Decimal(10_000_000),
        amount_disbursed=None,
        note=f"MX-{o.tag}-ho-tro",
    )
