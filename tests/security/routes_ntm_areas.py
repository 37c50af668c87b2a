"""Permission-matrix rows and world objects of the NTM areas (issue 18): district and province titles, "huyện chưa có
xã NTM", the conditions of the titles. Merged like routes_villages.py.

The titles are public decisions: the two API operations are public like GET /api/v1/reports/ntm; the list page needs
ntm.view (as every NTM page) and shows the titles of the reader's areas. Recording and revoking need ntm.manage over
the unit: the side's title is on the side's province, so Sơn La's answers 404 to Điện Biên's officer.
"""

import datetime

from tests.security.matrix_kinds import LIST, OBJECT, PUBLIC, Route, pk

NTM_V, MANAGE = "ntm.view", "ntm.manage"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")

ROUTES: dict[str, Route] = {
    "ntm:area_recognitions": Route(LIST, NTM_V),
    "ntm:area_recognitions#filtered": Route(LIST, NTM_V, query="area=2025:11&year=2026"),
    "ntm:area_recognition_add": Route(LIST, MANAGE, methods=GP, posted_area=True),
    "ntm:area_recognition_revoke": Route(OBJECT, MANAGE, pk("area_recognition"), methods=GP),
    "ntm:areas_without_ntm": Route(LIST, NTM_V),
    "ntm:areas_without_ntm#filtered": Route(LIST, NTM_V, query="year=2020&area=pre2025:11"),
    "ntm:area_conditions": Route(LIST, NTM_V),
}
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/ntm/area-recognitions"): Route(PUBLIC, query="area=2025:11&year=2026"),
    ("GET", "/api/v1/ntm/areas-without-ntm"): Route(PUBLIC, query="year=2020&area=pre2025:11"),
}


def build(o, officer):
    """The side's province recognised "hoàn thành nhiệm vụ" (a 2026 decision, marked MX-<tag>)."""
    from ntm import area_services

    o.area_recognition, _created = area_services.record_area_recognition(
        actor=officer,
        unit=o.province,
        level="tinh-hoan-thanh",
        decision_no=f"MX-{o.tag}-tinh",
        decision_date=datetime.date(2026, 1, 15),
    )
