"""Permission-matrix rows and world objects of the programme's plans pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.

The side's plan is a commune plan of its commune (every role of the commune reads it; the producer account reads it
because a line names its product), under a programme document of the province (read by the roles below it).
"""

import datetime

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk  # noqa: F401

PV, PLANS = "programme.view", "programme.manage_plans"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")

ROUTES: dict[str, Route] = {
    "programme:plan_list": Route(LIST, PV),
    "programme:plan_list#filtered": Route(LIST, PV, query="year=2026&area=2025:11"),
    "programme:plan_create": Route(LIST, PLANS, methods=GP),
    "programme:plan_import": Route(LIST, PLANS, methods=GP),
    "programme:plan_detail": Route(OBJECT, PV, pk("plan")),
    "programme:plan_edit": Route(OBJECT, PLANS, pk("plan"), methods=GP),
    "programme:plan_targets": Route(OBJECT, PLANS, pk("plan"), methods=GP),
    "programme:plan_target_delete": Route(OBJECT, PLANS, pk("plan_target"), methods=P),
    "programme:plan_line_add": Route(OBJECT, PLANS, pk("plan"), methods=GP),
    "programme:plan_line_edit": Route(OBJECT, PLANS, pk("plan_line"), methods=GP),
    "programme:plan_line_delete": Route(OBJECT, PLANS, pk("plan_line"), methods=P),
    "programme:plan_line_link": Route(OBJECT, PLANS, pk("plan_line"), methods=GP),
    "programme:plan_refresh_links": Route(OBJECT, PLANS, pk("plan"), methods=P),
    "programme:document_list": Route(LIST, PV),
    "programme:document_create": Route(LIST, PLANS, methods=GP),
    "programme:document_detail": Route(OBJECT, PV, pk("programme_document")),
    # the province's document is edited by the province only: these rows use the commune's period plan, which both
    # the province and the commune officer manage (programme/tests/test_plans_pages.py: the commune officer gets 404
    # on the province's document)
    "programme:document_edit": Route(OBJECT, PLANS, pk("commune_document"), methods=GP),
    "programme:document_targets": Route(OBJECT, PLANS, pk("commune_document"), methods=GP),
    "programme:product_plans": Route(OBJECT, PV, pk("product", "product_id")),
    # plan against actual (programme.plan_actuals): an area's figures, no object in the URL
    # no area given: the reader's own area (its province or commune; the country when nationwide)
    "programme:plan_actual": Route(LIST, "programme.view", query="year=2026"),
    # Sơn La asked by a Điện Biên reader: refused on the form (400); a nationwide reader sees it (200)
    "programme:plan_actual#foreign": Route(
        LIST, "programme.view", query="area=2025:14&year=2026&sub_areas=on", get_ok=(200, 400)
    ),
    "programme:plan_actual_records": Route(LIST, "programme.view", query="metric=new-products&year=2026"),
    "programme:plan_actual_records#foreign": Route(
        LIST, "programme.view", query="metric=new-products&area=2025:14&year=2026", get_ok=(200, 400)
    ),
    "programme:plan_actual_export": Route(LIST, "programme.view", query="year=2026"),
    "programme:plan_actual_export#foreign": Route(
        LIST, "programme.view", query="area=2025:14&year=2026", get_ok=(200, 400)
    ),
}
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/programme/plans"): Route(LIST, PV, empty_ok=True),
    ("GET", "/api/v1/programme/plans/{plan_id}"): Route(OBJECT, PV, pk("plan", "plan_id")),
    ("POST", "/api/v1/programme/plans"): Route(LIST, PLANS, methods=P),
    ("POST", "/api/v1/programme/plans/{plan_id}/targets"): Route(OBJECT, PLANS, pk("plan", "plan_id"), methods=P),
    ("POST", "/api/v1/programme/plans/{plan_id}/lines"): Route(OBJECT, PLANS, pk("plan", "plan_id"), methods=P),
    ("GET", "/api/v1/programme/documents"): Route(LIST, PV, empty_ok=True),
    ("GET", "/api/v1/programme/documents/{document_id}"): Route(OBJECT, PV, pk("programme_document", "document_id")),
    ("GET", "/api/v1/programme/plan-actual"): Route(
        LIST, "programme.view", query="area=2025:03328&year=2026&sub_areas=true"
    ),
}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them)."""
    from programme import plan_services

    o.programme_document = plan_services.create_document(
        actor=officer, area=o.province, title=f"MX-{o.tag}-de-an", start_year=2026, end_year=2030
    )
    o.commune_document = plan_services.create_document(
        actor=officer,
        area=o.commune,
        kind="plan",
        title=f"MX-{o.tag}-ke-hoach-giai-doan-xa",
        start_year=2026,
        end_year=2030,
    )
    o.document_target = plan_services.add_target(
        actor=officer, document=o.programme_document, metric="new-products", value=20
    )
    o.plan = plan_services.create_plan(
        actor=officer,
        area=o.commune,
        year=2026,
        title=f"MX-{o.tag}-ke-hoach",
        document=o.programme_document,
        decision_no=f"MX-{o.tag}/KH-UBND",
        decision_date=datetime.date(2026, 1, 15),
    )
    o.plan_target = plan_services.add_target(actor=officer, plan=o.plan, metric="new-products", stars=3, value=2)
    o.plan_line = plan_services.add_line(
        actor=officer,
        plan=o.plan,
        name=f"MX-{o.tag}-san-pham-ke-hoach",
        action="new",
        target_stars=3,
        supported_by="province",
        funding_source="ntm",
        planned_amount=100_000_000,
    )
    plan_services.link_line(actor=officer, line=o.plan_line, product=o.product)
