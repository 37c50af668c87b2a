"""Permission-matrix rows and world objects of the programme's monitoring pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.

Each side's product (certified from 01/09/2025) gets a submitted report for 2025 (`monitoring_report`: the province
returns or approves it) and a draft for 2026 (`monitoring_draft`: its reporters edit and submit it). Reports carry no
name of their own: lists show the product's, which carries the side's MX- mark.
"""

import datetime
from decimal import Decimal

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk  # noqa: F401

PV, REPORT, APPROVE = "programme.view", "programme.report_monitoring", "programme.approve_monitoring"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")
BASE = "/api/v1/programme"

ROUTES: dict[str, Route] = {
    # Lists: scoped (a producer sees its linked producers' products only); without the action, 403.
    "programme:monitoring_list": Route(LIST, PV),
    # Without ?product= the page offers the products still to report (an empty POST shows it again).
    "programme:monitoring_create": Route(LIST, REPORT, methods=GP),
    "programme:monitoring_due": Route(LIST, REPORT),
    "programme:watch_list": Route(LIST, PV),
    "programme:watch_list#xlsx": Route(LIST, PV, query="format=xlsx"),
    # The upload page of the "monitoring" import kind (an empty POST: the form's own error, nothing started).
    "programme:monitoring_import": Route(LIST, REPORT, methods=GP),
    "programme:monitoring_detail": Route(OBJECT, PV, pk("monitoring_report")),
    "programme:monitoring_edit": Route(OBJECT, REPORT, pk("monitoring_draft"), methods=GP),
    "programme:monitoring_submit": Route(OBJECT, REPORT, pk("monitoring_draft"), methods=P),
    "programme:monitoring_return": Route(OBJECT, APPROVE, pk("monitoring_report"), methods=P),
    "programme:monitoring_approve": Route(OBJECT, APPROVE, pk("monitoring_report"), methods=P),
    "programme:monitoring_reopen": Route(OBJECT, APPROVE, pk("monitoring_report"), methods=P),
    "programme:product_monitoring": Route(
        OBJECT,
        PV,
        pk("product", "product_id"),
        note="Chủ thể: chỉ sản phẩm của chủ thể gắn với tài khoản / producer: its linked producers' products only.",
    ),
    # The OCOP dashboard's flags card: empty (200) for a role whose scope does not reach the area (producer, commune).
    "reports:ocop_flags": Route(LIST, PV, query="area=2025:11"),
}
API: dict[tuple[str, str], Route] = {
    ("GET", f"{BASE}/monitoring-reports"): Route(LIST, PV, empty_ok=True),
    ("GET", f"{BASE}/monitoring-reports/{{report_id}}"): Route(OBJECT, PV, pk("monitoring_report", "report_id")),
    ("POST", f"{BASE}/monitoring-reports"): Route(LIST, REPORT, methods=P),
    ("POST", f"{BASE}/monitoring-reports/{{report_id}}/submit"): Route(
        OBJECT, REPORT, pk("monitoring_draft", "report_id"), methods=P
    ),
    ("GET", f"{BASE}/watch-list"): Route(LIST, PV, empty_ok=True),
}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them)."""
    from programme import monitoring_services

    values = {
        "output_quantity": Decimal("10"),
        "output_unit": "kg",
        "revenue": Decimal("1000000"),
        "employees": 3,
        "markets": f"MX-{o.tag}-thi-truong",
    }
    assert o.certificate.valid_from <= datetime.date(2025, 12, 31)
    o.monitoring_report = monitoring_services.save_report(
        actor=None, product=o.product, year=2025, values=values, today=datetime.date(2026, 6, 1)
    )
    monitoring_services.submit_report(actor=None, report=o.monitoring_report, today=datetime.date(2026, 6, 1))
    o.monitoring_draft = monitoring_services.save_report(
        actor=None, product=o.product, year=2026, values=values, today=datetime.date(2026, 12, 1)
    )
