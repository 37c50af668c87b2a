"""Permission-matrix rows and world objects of the programme's linkages pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.
"""

import datetime
import decimal

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk  # noqa: F401

PV, LINK = "programme.view", "programme.manage_linkages"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")
API_BASE = "/api/v1/programme"

ROUTES: dict[str, Route] = {
    "programme:linkage_list": Route(LIST, PV),
    "programme:linkage_create": Route(LIST, LINK, methods=GP),
    "programme:linkage_report": Route(LIST, PV),
    "programme:linkage_report#xlsx": Route(LIST, PV, query="format=xlsx"),
    "programme:linkage_detail": Route(OBJECT, PV, pk("linkage")),
    "programme:linkage_edit": Route(OBJECT, LINK, pk("linkage"), methods=GP),
    "programme:linkage_status": Route(OBJECT, LINK, pk("linkage"), methods=P),
    "programme:linkage_partner_add": Route(OBJECT, LINK, pk("linkage"), methods=GP),
    "programme:linkage_partner_edit": Route(OBJECT, LINK, pk("linkage_partner"), methods=GP),
    "programme:linkage_partner_delete": Route(OBJECT, LINK, pk("linkage_partner"), methods=P),
    "programme:linkage_result": Route(OBJECT, LINK, pk("linkage"), methods=GP),
    "programme:investment_list": Route(LIST, PV),
    "programme:investment_create": Route(LIST, LINK, methods=GP),
    "programme:investment_detail": Route(OBJECT, PV, pk("investment")),
    "programme:investment_edit": Route(OBJECT, LINK, pk("investment"), methods=GP),
    "programme:raw_area_list": Route(LIST, PV),
    "programme:raw_area_create": Route(LIST, LINK, methods=GP),
    "programme:raw_area_detail": Route(OBJECT, PV, pk("raw_area")),
    "programme:raw_area_edit": Route(OBJECT, LINK, pk("raw_area"), methods=GP),
    "programme:raw_area_year": Route(OBJECT, LINK, pk("raw_area"), methods=GP),
    "programme:product_linkages": Route(OBJECT, PV, pk("product", "product_id")),
}

API: dict[tuple[str, str], Route] = {
    ("GET", f"{API_BASE}/linkages"): Route(LIST, PV, empty_ok=True),
    ("POST", f"{API_BASE}/linkages"): Route(LIST, LINK, methods=P),
    ("GET", f"{API_BASE}/linkages/{{project_id}}"): Route(OBJECT, PV, pk("linkage", "project_id")),
    ("POST", f"{API_BASE}/linkages/{{project_id}}/results"): Route(
        OBJECT, LINK, pk("linkage", "project_id"), methods=P
    ),
    ("GET", f"{API_BASE}/investments"): Route(LIST, PV, empty_ok=True),
    ("GET", f"{API_BASE}/raw-material-areas"): Route(LIST, PV, empty_ok=True),
    ("GET", f"{API_BASE}/raw-material-areas/{{area_id}}"): Route(OBJECT, PV, pk("raw_area", "area_id")),
}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them).

    The side's producer leads the linkage project, invests in the investment project and owns the raw-material area's
    product, so the producer account linked to it reaches all three; the side's commune is in each, so its commune
    officer and viewer do too."""
    from programme import linkage_services as services

    o.linkage = services.create_project(
        actor=officer,
        name=f"MX-{o.tag}-lien-ket",
        province=o.province,
        lead=o.producer,
        product_text="lúa gạo",
        area_ha=decimal.Decimal("10"),
        households=20,
        contract_start=datetime.date(2025, 1, 1),
        communes=[o.commune],
        products=[o.product],
    )
    o.linkage_partner = services.add_partner(
        actor=officer, project=o.linkage, name=f"MX-{o.tag}-ben-lien-ket", kind="household-group", households=5
    )
    services.record_result(actor=officer, project=o.linkage, year=2025, households=18)
    o.investment = services.create_investment(
        actor=officer,
        name=f"MX-{o.tag}-dau-tu",
        province=o.province,
        investor=o.producer,
        crop="mắc ca",
        communes=[o.commune],
    )
    o.raw_area = services.create_raw_area(
        actor=officer,
        product=o.product,
        name=f"MX-{o.tag}-vung-nguyen-lieu",
        communes=[o.commune],
        linkage_project=o.linkage,
        investment_project=o.investment,
    )
    services.record_raw_area_year(actor=officer, raw_area=o.raw_area, year=2025, area_ha=decimal.Decimal("9"))
