"""Permission-matrix rows and world objects of the NTM recognition procedure (issue 18); merged like routes_villages.py.

build(o, officer) gives each side one request registered for 2026 with one PDF of its dossier: in Điện Biên for Xã
Thanh Nưa (the world records it đạt chuẩn, so it registers for nâng cao under a test nâng cao set of the province), in
Sơn La for a rural commune of the province (the side's own unit is a ward, which registers nothing) at đạt chuẩn under
the national 2026 set. Registration is the commune's (ntm.request); appraisal the province's (ntm.appraise); the
decision and a refusal the province's management (ntm.manage); reading ntm.view. The world's request is only
registered, so most steps are refused on their merits (a message), which the matrix counts as reaching the route.
"""

from tests.security.matrix_kinds import LIST, OBJECT, Route, pk

NTM_V, REQUEST, APPRAISE, MANAGE = "ntm.view", "ntm.request", "ntm.appraise", "ntm.manage"
G, P, GP = ("GET",), ("POST",), ("GET", "POST")
REQ, DOC = pk("ntm_request"), pk("ntm_request_document")


def _api(o, w, r):
    return {"request_id": o.ntm_request.pk}


ROUTES: dict[str, Route] = {
    "ntm:request_board": Route(LIST, NTM_V),
    "ntm:request_board#filtered": Route(LIST, NTM_V, query="year=2026&area=2025:11"),
    "ntm:request_list": Route(LIST, NTM_V),
    "ntm:request_list#filtered": Route(LIST, NTM_V, query="year=2026&area=2025:11&status=registered"),
    "ntm:request_register": Route(LIST, REQUEST, methods=GP),
    "ntm:request_detail": Route(OBJECT, NTM_V, REQ),
    "ntm:request_save": Route(OBJECT, REQUEST, REQ, methods=P),
    "ntm:request_document_add": Route(OBJECT, REQUEST, REQ, methods=P),
    "ntm:request_respond": Route(OBJECT, REQUEST, REQ, methods=P),
    "ntm:request_submit": Route(OBJECT, REQUEST, REQ, methods=P),
    "ntm:request_withdraw": Route(OBJECT, REQUEST, REQ, methods=P),
    "ntm:request_appraise": Route(OBJECT, APPRAISE, REQ, methods=P),
    "ntm:request_return": Route(OBJECT, APPRAISE, REQ, methods=P),
    "ntm:request_propose": Route(OBJECT, APPRAISE, REQ, methods=P),
    "ntm:request_decide": Route(OBJECT, MANAGE, REQ, methods=P),
    "ntm:request_refuse": Route(OBJECT, MANAGE, REQ, methods=P),
    "ntm:request_document_download": Route(OBJECT, NTM_V, DOC),
    "ntm:request_document_remove": Route(OBJECT, REQUEST, DOC, methods=P),
}

API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/ntm/requests"): Route(LIST, NTM_V, query="year=2026", empty_ok=True),
    ("POST", "/api/v1/ntm/requests"): Route(LIST, REQUEST),
    ("GET", "/api/v1/ntm/requests/{request_id}"): Route(OBJECT, NTM_V, _api),
    ("POST", "/api/v1/ntm/requests/{request_id}/submit"): Route(OBJECT, REQUEST, _api, methods=P),
    ("POST", "/api/v1/ntm/requests/{request_id}/appraisals"): Route(OBJECT, APPRAISE, _api, methods=P),
    ("POST", "/api/v1/ntm/requests/{request_id}/return"): Route(OBJECT, APPRAISE, _api, methods=P),
    ("POST", "/api/v1/ntm/requests/{request_id}/propose"): Route(OBJECT, APPRAISE, _api, methods=P),
    ("POST", "/api/v1/ntm/requests/{request_id}/decide"): Route(OBJECT, MANAGE, _api, methods=P),
}


def build(o, officer):
    """The side's request (registered, with one PDF of the whole dossier), as the commune registers it: the commune's
    next level (the world's recognitions carry no rank, so đạt chuẩn; nâng cao under a test set if it holds that)."""
    import datetime

    from areas.models import AdministrativeUnit
    from core.errors import DomainError
    from ntm import procedure_services
    from ntm.tests.procedure_pages_setup import nang_cao_set, pdf

    commune = o.commune
    if not commune.is_rural_commune:  # Sơn La's side sits in a ward: take a rural commune of the province
        commune = (
            AdministrativeUnit.objects.filter(level="commune", unit_type="xa", province=o.province, scheme="2025")
            .order_by("code")
            .first()
        )
    # a criteria set is reference data every reader lists: no MX- mark in it
    nang_cao_set(o.province, code=f"nc-thu-{o.tag.lower()}", valid_from=datetime.date(2021, 1, 1))
    problems = []
    for level in ("dat-chuan", "nang-cao"):
        try:
            o.ntm_request = procedure_services.register(actor=None, commune=commune, year=2026, target_level=level)
            break
        except DomainError as exc:
            problems.append(exc.message)
    else:
        raise AssertionError(f"no request registered for {commune}: {problems}")
    o.ntm_request_document = procedure_services.add_document(
        actor=_commune_actor(o, commune), request=o.ntm_request, upload=pdf(), title="Tờ trình"
    )


def _commune_actor(o, commune):
    """A commune officer of the request's commune (add_document records who uploaded it)."""
    from accounts.roles import Role
    from conftest import make_user

    return make_user(f"mx.{o.tag.lower()}.xa.hoso", Role.COMMUNE_OFFICER, str(commune.area_id))
