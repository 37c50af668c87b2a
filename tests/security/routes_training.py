"""Permission-matrix rows and world objects of the programme's training pages and API (issue 17).

ROUTES and API are merged into tests/security/matrix.py; build(o, officer) runs for each side of the world
(tests/security/conftest.py) after the issue-16 programme objects exist, and puts this family's objects on `o`.

The course and the campaign of each side are organised by its commune (`area` = o.commune), so that the commune
officer manages them and the commune's producer and viewer see them; the honour names the side's product.
"""

import datetime

from tests.security.matrix_kinds import LIST, OBJECT, Route, pk

PV, TRAIN, HONOUR = "programme.view", "programme.manage_training", "programme.approve_monitoring"
P, GP = ("POST",), ("GET", "POST")

ROUTES: dict[str, Route] = {
    "programme:training_list": Route(LIST, PV),
    "programme:training_create": Route(LIST, TRAIN, methods=GP),
    "programme:training_report": Route(LIST, PV),
    "programme:training_report#area": Route(LIST, PV, query="year=2026&area=2025:11"),
    "programme:training_report#xlsx": Route(LIST, PV, query="year=2026&area=2025:11&format=xlsx"),
    "programme:training_detail": Route(OBJECT, PV, pk("course")),
    "programme:training_edit": Route(OBJECT, TRAIN, pk("course"), methods=GP),
    "programme:training_cancel": Route(OBJECT, TRAIN, pk("course"), methods=P),
    "programme:campaign_list": Route(LIST, PV),
    "programme:campaign_create": Route(LIST, TRAIN, methods=GP),
    "programme:campaign_detail": Route(OBJECT, PV, pk("campaign")),
    "programme:campaign_edit": Route(OBJECT, TRAIN, pk("campaign"), methods=GP),
    "programme:campaign_cancel": Route(OBJECT, TRAIN, pk("campaign"), methods=P),
    # not public: a login and programme.view (issue 17)
    "programme:honour_list": Route(LIST, PV),
    "programme:honour_create": Route(LIST, HONOUR, methods=GP),
    "programme:honour_edit": Route(OBJECT, HONOUR, pk("honour"), methods=GP),
    "programme:honour_delete": Route(OBJECT, HONOUR, pk("honour"), methods=P),
    # the product page's slot: the side's product (its honour), 404 outside scope
    "programme:product_honours": Route(OBJECT, PV, pk("product", "product_id")),
}

API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/programme/training-courses"): Route(LIST, PV),
    ("GET", "/api/v1/programme/training-courses/{course_id}"): Route(OBJECT, PV, pk("course", "course_id")),
    ("POST", "/api/v1/programme/training-courses"): Route(LIST, TRAIN, methods=P),
    ("GET", "/api/v1/programme/campaigns"): Route(LIST, PV),
    ("GET", "/api/v1/programme/honours"): Route(LIST, PV, query="year=2026"),
    ("GET", "/api/v1/programme/training-report"): Route(LIST, PV, query="area=2025:11&year=2026"),
}


def build(o, officer):
    """Objects of this family on side `o` (names carry o.tag's MX- mark where a list may show them)."""
    from programme import training_services

    day = datetime.date(2026, 4, 1)
    o.course = training_services.create_course(
        actor=officer,
        title=f"MX-{o.tag}-tap-huan",
        kind="training",
        organiser="UBND xã",
        province=o.province,
        area=o.commune,
        place="Nhà văn hoá",
        start_date=day,
        end_date=day,
        audience=["households"],
        communes=[o.commune],
        participants=30,
        participants_women=10,
        participants_ethnic_minority=20,
    )
    o.campaign = training_services.create_campaign(
        actor=officer,
        title=f"MX-{o.tag}-truyen-thong",
        channel="radio",
        organiser="Đài truyền thanh xã",
        province=o.province,
        area=o.commune,
        start_date=day,
        end_date=day,
        audience=["households"],
        reach=1000,
        items=4,
    )
    o.honour = training_services.create_honour(
        actor=officer,
        province=o.province,
        year=2026,
        kind="product",
        product=o.product,
        title=f"MX-{o.tag}-ton-vinh",
    )
