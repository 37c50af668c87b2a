"""The declared permission matrix: every page route (by URL name) and every API operation (by method and path) with the
action it needs, how to name an object of Tỉnh Điện Biên ("own") and of Tỉnh Sơn La ("foreign") in its URL, and the
methods tried. The expected answer of each cell is computed from accounts/roles.py (ROLE_ACTIONS) by
test_permission_matrix.expected(); nothing here lists roles, except where a route needs more than an action (`seat`).

Route kinds (`kind`):
- "public": anyone, signed in or not, gets an answer that is not a server error (GET: 200 unless `public_ok` says).
- "login":  any signed-in user; anonymous → the login page (pages) / 401 (API). Objects named in the URL are the
            user's own (`personal=True`: a notification or token of theirs) and someone else's in Sơn La (→ 404).
- "list":   a page or endpoint without an object in its URL. A role with the action → 200 (GET) or not refused for
            lack of permission (POST); a role without it → 403 or 404, or (the house convention for scoped lists,
            docs/architecture.md "Reads start from a scoped queryset") 200 with an empty list when `empty_ok`.
- "object": the URL names one object. With the action: own → 200 (GET) / accepted or refused on its merits (POST,
            never 403/404); foreign → 404 (scope does not leak), except for a nationwide role (system_admin) which
            reaches both. Without the action → 403 or 404.
Anyone, anywhere: never a 5xx.

`action` is one action or a tuple (any of them). `seat` names the council seats that also reach the route (the
council member chairs the own round, the advisory member sits on its advisory team): a role holding the action but
without a seat in the round is then refused. `xfail` maps a cell (role, side, method) — any part may be "*" — to the
reason of a known bug; the test marks those cells xfail(strict=True) so the mark goes as soon as the bug is fixed.
"""

from tests.security.matrix_kinds import (  # noqa: F401
    IMPORT_ACTIONS,  # noqa: F401
    LIST,
    LOGIN,
    OBJECT,
    PUBLIC,
    Route,
    pk,
)


def personal(attr, name):
    """The principal's own notification or token (the province officer's for anonymous), or the Sơn La officer's."""

    def build(o, w, r):
        mine = w.personal.get(r) or w.personal["province_officer"]
        return {name: getattr(mine if o is w.own else o, attr).pk}

    return build


def crit(attr, name="item", **extra):
    """A criteria-set editing route: the nationwide set (no area: own and foreign are the same object)."""

    def build(o, w, r):
        kwargs = {"pk": w.criteria.set.pk}
        if attr:
            kwargs[name] = getattr(w.criteria, attr).pk
        return kwargs

    return build


def own_foreign(own_attr, foreign_attr, name="pk"):
    """A different kind of object on each side: e.g. the own public fair (open to registration) against Sơn La's
    non-public event (out of scope)."""
    return lambda o, w, r: {name: getattr(o, own_attr if o is w.own else foreign_attr).pk}


def channel(attr, kind):
    """A channel row of the side's product, by kind (outlet, listing, agreement) in the URL."""
    return lambda o, w, r: {"product_id": o.product.pk, "kind": kind, "pk": getattr(o, attr).pk}


G, P, GP = ("GET",), ("POST",), ("GET", "POST")
SEATS = ("council_member", "advisory_member")  # any seat of the own round (the advisory team scores too, 26/2026)
CHAIR = ("council_member",)
V_PROD = "products.view"
REG = "products.register_idea"
SCREEN = "products.screen"
EV_M, EV_S, CRIT = "evaluation.manage", "evaluation.score", "evaluation.manage_criteria"
NTM_V = "ntm.view"
PV, EVENTS, JOIN = "programme.view", "programme.manage_events", "programme.join_events"
EDIT_CH, MOD_CH = "programme.edit_channels", "programme.moderate_channels"
UNCERTIFIED = "Sản phẩm chưa có giấy chứng nhận: 404 / a product without a certificate: 404."

ROUTES: dict[str, Route] = {
    # ── core, areas, accounts ───────────────────────────────────────────────────────────────────────────────────────
    "home": Route(PUBLIC, public_ok=(200, 302)),  # a visitor not signed in is sent to the catalogue (catalog:home)
    "healthz": Route(PUBLIC),  # the probes (core.health): public, unthrottled
    "readyz": Route(PUBLIC),
    "set_language": Route(PUBLIC, methods=P),
    "choose_language": Route(PUBLIC, query="language=en&next=/catalog/", public_ok=(302,)),  # a visitor's switch
    "areas:index": Route(PUBLIC),
    "areas:search": Route(PUBLIC, query="q=dien"),
    "areas:pick": Route(PUBLIC, query="q=dien"),
    "areas:unit": Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id}),
    "core:audit_list": Route(LIST, "audit.view", empty_ok=True),
    "core:audit_detail": Route(OBJECT, "audit.view", pk("audit")),
    "accounts:login": Route(PUBLIC, methods=GP, public_ok=(200, 302)),  # a signed-in user is sent on
    "accounts:logout": Route(PUBLIC, methods=P, public_ok=(200, 302)),
    "accounts:password_change": Route(LOGIN, methods=GP),
    "accounts:password_reset": Route(PUBLIC, methods=GP),
    "accounts:password_reset_sent": Route(PUBLIC),
    "accounts:set_password": Route(PUBLIC, args=lambda o, w, r: {"uidb64": "MQ", "token": "bad-token"}, methods=GP),
    "accounts:tokens": Route(LOGIN, methods=GP),
    "accounts:revoke_token": Route(
        LOGIN,
        args=personal("token", "token_id"),
        methods=P,
        personal=True,
    ),
    "accounts:members": Route(LIST, "accounts.view_members", empty_ok=True),
    "accounts:member": Route(OBJECT, "accounts.view_members", pk("membership")),
    "accounts:revoke_member": Route(OBJECT, "accounts.manage_members", pk("membership"), methods=P),
    "accounts:people": Route(LIST, "accounts.view_members", empty_ok=True),
    "accounts:create_person": Route(LIST, "accounts.manage_members", methods=GP),
    "accounts:person": Route(OBJECT, "accounts.view_members", pk("person")),
    "accounts:edit_person": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:grant_role": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:password_link": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:deactivate_person": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:reactivate_person": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:link_producer": Route(OBJECT, "accounts.manage_members", pk("person"), methods=P),
    "accounts:unlink_producer": Route(
        OBJECT,
        "accounts.manage_members",
        lambda o, w, r: {"pk": o.linked_user.pk, "producer_pk": o.producer.pk},
        methods=P,
    ),
    "accounts:pick_units": Route(LIST, "accounts.manage_members", query="q=thanh"),
    "accounts:pick_producers": Route(LIST, "accounts.manage_members", query="q=MX"),
    # ── producers, products ─────────────────────────────────────────────────────────────────────────────────────────
    "producers:list": Route(LIST, "producers.view", empty_ok=True),
    "producers:create": Route(LIST, "producers.change", methods=GP),
    "producers:pick": Route(LIST, "producers.view", query="q=MX", empty_ok=True),
    "producers:detail": Route(OBJECT, "producers.view", pk("producer")),
    "producers:edit": Route(OBJECT, "producers.change", pk("producer"), methods=GP),
    "products:list": Route(LIST, V_PROD, empty_ok=True),
    "products:export": Route(LIST, V_PROD, empty_ok=True),
    "products:create": Route(LIST, "products.change", methods=GP),
    "products:detail": Route(OBJECT, V_PROD, pk("product")),
    "products:edit": Route(OBJECT, "products.change", pk("product"), methods=GP),
    "products:location": Route(OBJECT, "products.change", pk("product"), methods=P),
    "products:photo_upload": Route(OBJECT, "products.change", pk("product"), methods=P),
    "products:photo": Route(OBJECT, V_PROD, lambda o, w, r: {"pk": o.product.pk, "photo_id": o.photo.pk}),
    # ── ideas and dossiers ──────────────────────────────────────────────────────────────────────────────────────────
    "ideas:list": Route(LIST, V_PROD, empty_ok=True),
    "ideas:register": Route(LIST, REG, methods=GP),
    "ideas:detail": Route(OBJECT, V_PROD, pk("idea")),
    "ideas:resubmit": Route(OBJECT, REG, pk("idea"), methods=P),
    "ideas:return": Route(OBJECT, SCREEN, pk("idea"), methods=P),
    "ideas:accept": Route(OBJECT, SCREEN, pk("idea"), methods=P),
    "ideas:dossiers": Route(LIST, V_PROD, empty_ok=True),
    "ideas:dossier": Route(OBJECT, V_PROD, pk("dossier")),
    "ideas:dossier_plan": Route(OBJECT, REG, pk("dossier"), methods=P),
    "ideas:dossier_upload": Route(OBJECT, REG, pk("dossier"), methods=P),
    "ideas:dossier_submit": Route(OBJECT, REG, pk("dossier"), methods=P),
    "ideas:dossier_receive": Route(OBJECT, SCREEN, pk("dossier"), methods=P),
    "ideas:dossier_return": Route(OBJECT, SCREEN, pk("dossier"), methods=P),
    "ideas:dossier_forward": Route(OBJECT, SCREEN, pk("dossier"), methods=P),
    "ideas:dossier_province_return": Route(OBJECT, EV_M, pk("dossier"), methods=P),
    "ideas:dossier_add_to_round": Route(OBJECT, EV_M, pk("dossier"), methods=P),
    "ideas:dossier_form": Route(
        OBJECT, REG, lambda o, w, r: {"pk": o.dossier.pk, "code": "mau-01"}, methods=GP, refused_get=True
    ),
    "ideas:dossier_form_pdf": Route(OBJECT, V_PROD, lambda o, w, r: {"pk": o.dossier.pk, "code": "mau-01"}),
    "ideas:dossier_open": Route(OBJECT, REG, pk("product"), methods=P),
    "ideas:document": Route(OBJECT, V_PROD, pk("document")),
    "ideas:document_remove": Route(OBJECT, REG, pk("document"), methods=P),
    # ── evaluation: rounds, councils, scoring, advisory, ministry ───────────────────────────────────────────────────
    "evaluation:rounds": Route(LIST, (EV_M, EV_S), empty_ok=True),
    "evaluation:round_create": Route(LIST, EV_M, methods=GP),
    "evaluation:round": Route(OBJECT, EV_M, pk("round"), seat=("council_member", "advisory_member")),
    "evaluation:member_add": Route(OBJECT, EV_M, pk("round"), methods=P),
    "evaluation:meeting": Route(OBJECT, EV_M, pk("round"), methods=P),
    "evaluation:pick_products": Route(OBJECT, EV_M, pk("round"), query="q=MX"),
    "evaluation:pick_people": Route(OBJECT, EV_M, pk("round"), query="q=mx"),
    "evaluation:member_deputy": Route(
        OBJECT, EV_M, lambda o, w, r: {"pk": o.round.pk, "member_pk": o.member.pk}, methods=P
    ),
    "evaluation:member_remove": Route(
        OBJECT, EV_M, lambda o, w, r: {"pk": o.round.pk, "member_pk": o.member.pk}, methods=P
    ),
    "evaluation:item_add": Route(OBJECT, EV_M, pk("round"), methods=P),
    "evaluation:decision": Route(OBJECT, EV_M, pk("round"), methods=P),
    "evaluation:board": Route(OBJECT, EV_M, pk("round"), seat=("council_member",)),
    "evaluation:minutes": Route(OBJECT, EV_M, pk("round"), seat=("council_member",)),
    "evaluation:results": Route(OBJECT, EV_M, pk("round"), seat=("council_member",)),
    # The chair's own sheet, not yet submitted: private to its member (issue 14 item 3), the office included.
    "evaluation:sheet_pdf": Route(OBJECT, "", lambda o, w, r: {"pk": o.item.pk, "sheet_id": o.sheet.pk}, seat=CHAIR),
    # The office has no sheet: it is sent to the board.
    "evaluation:score": Route(OBJECT, EV_M, pk("item"), seat=SEATS, get_ok=(200, 302)),
    "evaluation:choose": Route(
        OBJECT,
        "",
        pk("item"),
        methods=P,
        seat=SEATS,
        data=lambda o, w, r: {"criterion": o.criterion.pk, "option": o.option.pk},
    ),
    "evaluation:submit": Route(OBJECT, "", pk("item"), methods=P, seat=SEATS),
    "evaluation:conflict": Route(OBJECT, "", pk("item"), methods=P, seat=SEATS),
    "evaluation:lock": Route(OBJECT, "", pk("item"), methods=P, seat=("council_member",)),
    "evaluation:approve": Route(OBJECT, "", pk("item"), methods=P, seat=("council_member",)),
    "evaluation:reopen": Route(OBJECT, "", pk("item"), methods=P, seat=("council_member",)),
    "evaluation:minimums": Route(OBJECT, EV_M, pk("item"), seat=SEATS),
    "evaluation:minimum_record": Route(
        OBJECT, "", lambda o, w, r: {"pk": o.item.pk, "rule_id": o.rule.pk}, methods=P, seat=("council_member",)
    ),
    "evaluation:eliminate": Route(OBJECT, "", pk("item"), methods=P, seat=("council_member",)),
    "evaluation:advisory_round": Route(OBJECT, EV_M, pk("round"), seat=SEATS),
    "evaluation:advisory_item": Route(OBJECT, EV_M, pk("item"), seat=SEATS),
    "evaluation:advisory_request": Route(OBJECT, EV_M, pk("item"), methods=P, seat=("advisory_member",)),
    "evaluation:advisory_received": Route(
        OBJECT,
        EV_M,
        lambda o, w, r: {"pk": o.item.pk, "request_id": o.addition.pk},
        methods=P,
        seat=("advisory_member",),
    ),
    "evaluation:advisory_survey": Route(OBJECT, EV_M, pk("item"), methods=P, seat=("advisory_member",)),
    "evaluation:advisory_findings": Route(
        OBJECT,
        EV_M,
        lambda o, w, r: {"pk": o.item.pk, "survey_id": o.survey.pk},
        methods=P,
        seat=("advisory_member",),
    ),
    "evaluation:advisory_report": Route(OBJECT, EV_M, pk("item"), methods=P, seat=("advisory_member",)),
    "evaluation:ministry": Route(OBJECT, EV_M, pk("round"), seat=CHAIR),  # "the chair and the province office read"
    "evaluation:ministry_propose": Route(OBJECT, EV_M, pk("round"), methods=P),
    "evaluation:ministry_recognised": Route(OBJECT, EV_M, pk("proposal", "proposal_id"), methods=P),
    "evaluation:ministry_below_90": Route(OBJECT, EV_M, pk("proposal", "proposal_id"), methods=P),
    "evaluation:ministry_province_decision": Route(OBJECT, EV_M, pk("proposal", "proposal_id"), methods=P),
    "evaluation:ministry_reevaluation": Route(OBJECT, EV_M, pk("proposal", "proposal_id"), methods=P),
    # ── criteria sets (nationwide: no own/foreign, the same set on both sides) ──────────────────────────────────────
    # Published sets are read by whoever organises or scores (criteria_views._require_viewer); the matrix's set is a
    # draft, which only the criteria administrator sees (404 for the others).
    "criteria:list": Route(LIST, (CRIT, EV_M, EV_S)),
    "criteria:create": Route(LIST, CRIT, methods=GP),
    "criteria:blank_template": Route(LIST, (CRIT, EV_M, EV_S)),
    "criteria:in_force": Route(LIST, (EV_M, CRIT)),
    "criteria:detail": Route(OBJECT, CRIT, crit(None)),
    "criteria:edit": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:delete": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:validate": Route(OBJECT, CRIT, crit(None)),
    "criteria:publish": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:template": Route(OBJECT, CRIT, crit(None)),
    "criteria:upload": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:upload_save": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:part_add": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:part_edit": Route(OBJECT, CRIT, crit("part"), methods=P),
    "criteria:part_delete": Route(OBJECT, CRIT, crit("part"), methods=P),
    "criteria:section_add": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:section_edit": Route(OBJECT, CRIT, crit("section"), methods=P),
    "criteria:section_delete": Route(OBJECT, CRIT, crit("section"), methods=P),
    "criteria:sheet_add": Route(OBJECT, CRIT, crit(None), methods=P),
    "criteria:sheet": Route(OBJECT, CRIT, crit("scope")),
    "criteria:sheet_edit": Route(OBJECT, CRIT, crit("scope"), methods=P),
    "criteria:sheet_delete": Route(OBJECT, CRIT, crit("scope"), methods=P),
    "criteria:sheet_preview": Route(OBJECT, CRIT, crit("scope")),
    "criteria:criterion_add": Route(OBJECT, CRIT, crit("scope", "scope"), methods=P),
    "criteria:criterion_edit": Route(OBJECT, CRIT, crit("criterion"), methods=P),
    "criteria:criterion_delete": Route(OBJECT, CRIT, crit("criterion"), methods=P),
    "criteria:option_add": Route(OBJECT, CRIT, crit("criterion", "criterion"), methods=P),
    "criteria:option_edit": Route(OBJECT, CRIT, crit("option"), methods=P),
    "criteria:option_delete": Route(OBJECT, CRIT, crit("option"), methods=P),
    # ── certification ───────────────────────────────────────────────────────────────────────────────────────────────
    "register:import": Route(LIST, "certification.manage", methods=GP),
    "register:decision": Route(OBJECT, "certification.view", pk("decision")),
    "register:certificate_pdf": Route(OBJECT, "certification.view", lambda o, w, r: {"code": o.certificate.code}),
    "register:supervision": Route(OBJECT, "certification.view", pk("product"), methods=G),
    "register:supervision#post": Route(OBJECT, "certification.manage", pk("product"), methods=P),
    "register:revoke": Route(OBJECT, "certification.manage", pk("product"), methods=GP),
    "certificates:expiring": Route(LIST, "certification.view", empty_ok=True),
    "verify:lookup": Route(PUBLIC, query="code=x", public_ok=(200, 404)),  # an unknown code: 404 page
    "verify:certificate": Route(PUBLIC, args=lambda o, w, r: {"code": o.certificate.code}),
    # ── NTM ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    "ntm:dashboard": Route(LIST, NTM_V),
    "ntm:export": Route(LIST, NTM_V, query="area=2025:11"),
    "ntm:figure": Route(LIST, NTM_V, query="area=2025:11"),
    "ntm:priorities": Route(LIST, NTM_V),
    "ntm:completeness": Route(LIST, NTM_V),
    # The area is posted: Điện Biên (own) or Sơn La (foreign).
    "ntm:remind": Route(
        OBJECT, "ntm.approve", methods=P, data=lambda o, w, r: {"area": o.area_id, "year": 2026}, posted_area=True
    ),
    "ntm:period": Route(
        OBJECT, "ntm.approve", methods=P, data=lambda o, w, r: {"province": o.area_id, "year": 2026}, posted_area=True
    ),
    "ntm:commune": Route(OBJECT, NTM_V, lambda o, w, r: {"area_id": o.commune_id}),
    "ntm:start": Route(OBJECT, "ntm.assess", lambda o, w, r: {"area_id": o.commune_id}, methods=P),
    "ntm:recognition_add": Route(OBJECT, "ntm.manage", lambda o, w, r: {"area_id": o.commune_id}, methods=P),
    "ntm:acknowledgement_add": Route(OBJECT, "ntm.manage", lambda o, w, r: {"area_id": o.commune_id}, methods=P),
    "ntm:group_set": Route(OBJECT, "ntm.manage", lambda o, w, r: {"area_id": o.commune_id}, methods=P),
    "ntm:assessment": Route(OBJECT, NTM_V, pk("assessment")),
    "ntm:transition": Route(
        OBJECT, "ntm.approve", lambda o, w, r: {"pk": o.assessment.pk, "action": "approve"}, methods=P
    ),
    "ntm:recognitions": Route(LIST, NTM_V, empty_ok=True),
    "ntm:recognition_revoke": Route(OBJECT, "ntm.manage", pk("recognition"), methods=P),
    "ntm:import": Route(LIST, "ntm.manage", methods=GP),
    # ── reports (public figures) ────────────────────────────────────────────────────────────────────────────────────
    "reports:ocop": Route(PUBLIC, query="area=2025:11"),
    "reports:ocop_records": Route(PUBLIC, query="area=2025:11"),
    "reports:ocop_export": Route(PUBLIC, query="area=2025:11"),
    "reports:ocop_pdf": Route(PUBLIC, query="area=2025:11"),
    # ── programme: trade-promotion events (issue 16) ────────────────────────────────────────────────────────────────
    # Each side has a non-public event that ended a month ago (`event`, its producer accepted: `participation`) and a
    # public fair two months ahead (`fair`, its producer waiting: `registration`).
    "programme:event_list": Route(LIST, PV),
    "programme:event_create": Route(LIST, EVENTS, methods=GP),
    "programme:event_report": Route(LIST, EVENTS),
    "programme:event_report#xlsx": Route(LIST, EVENTS, query="format=xlsx"),
    "programme:never_promoted": Route(LIST, EVENTS),
    "programme:never_promoted#xlsx": Route(LIST, EVENTS, query="format=xlsx"),
    # Own: the public fair (every holder of programme.view); foreign: Sơn La's non-public event (404).
    "programme:event_detail": Route(OBJECT, PV, own_foreign("fair", "event")),
    # A public event of any province opens to every holder of programme.view, Sơn La's included
    # (event_queries.events_for: producers register for other provinces' fairs).
    "programme:event_detail#public": Route(
        LIST, PV, pk("fair"), note="Sự kiện công khai của mọi tỉnh / public events of every province."
    ),
    # A non-public event of the own province.
    # a commune's officer and producer see the province's non-public event their commune took part in
    "programme:event_detail#private": Route(OBJECT, PV, pk("event")),
    "programme:event_edit": Route(OBJECT, EVENTS, pk("event"), methods=GP),
    "programme:event_cancel": Route(OBJECT, EVENTS, pk("event"), methods=P),
    "programme:participant_add": Route(OBJECT, EVENTS, pk("event"), methods=GP),
    # Registration is open for the public events of every province (Sơn La's fair too); a non-public event takes none,
    # whoever asks (programme/tests/test_events.py).
    "programme:event_register": Route(
        LIST, JOIN, pk("fair"), methods=GP, note="Sự kiện công khai của mọi tỉnh / public events of every province."
    ),
    "programme:participation_accept": Route(OBJECT, EVENTS, pk("registration"), methods=P),
    "programme:participation_decline": Route(OBJECT, EVENTS, pk("registration"), methods=P),
    "programme:participation_results": Route(OBJECT, EVENTS, pk("participation"), methods=GP),
    # ── programme: sales channels (issue 16) ────────────────────────────────────────────────────────────────────────
    # The product's section opens to its producer (edit_channels, linked producers only) and to the officers of its
    # area (moderate_channels); `outlet` was entered by the officer (public), `listing` proposed by the producer.
    "programme:channels": Route(
        OBJECT,
        (EDIT_CH, MOD_CH),
        pk("product", "product_id"),
        note="Chủ thể: chỉ sản phẩm của chủ thể gắn với tài khoản / producer: its linked producers' products only.",
    ),
    "programme:channel_new": Route(
        OBJECT, (EDIT_CH, MOD_CH), lambda o, w, r: {"product_id": o.product.pk, "kind": "outlet"}, methods=GP
    ),
    "programme:channel_edit": Route(OBJECT, (EDIT_CH, MOD_CH), channel("outlet", "outlet"), methods=GP),
    "programme:channel_edit#listing": Route(OBJECT, (EDIT_CH, MOD_CH), channel("listing", "listing"), methods=GP),
    "programme:channel_remove": Route(OBJECT, (EDIT_CH, MOD_CH), channel("outlet", "outlet"), methods=P),
    "programme:channel_queue": Route(LIST, MOD_CH),
    "programme:channel_approve": Route(
        OBJECT, MOD_CH, lambda o, w, r: {"kind": "listing", "pk": o.listing.pk}, methods=P
    ),
    "programme:channel_reject": Route(
        OBJECT, MOD_CH, lambda o, w, r: {"kind": "listing", "pk": o.listing.pk}, methods=P
    ),
    # ── the public catalogue (issue 16): no login; a product without a certificate is not in it ────────────────────
    "catalog:home": Route(PUBLIC),
    "catalog:search": Route(PUBLIC, query="q=MX"),
    "catalog:product": Route(PUBLIC, args=pk("product")),
    "catalog:product#uncertified": Route(PUBLIC, args=pk("plain_product"), public_ok=(404,), note=UNCERTIFIED),
    "catalog:product_qr": Route(PUBLIC, args=pk("product")),
    "catalog:photo": Route(PUBLIC, args=lambda o, w, r: {"pk": o.product.pk, "photo_id": o.photo.pk}),
    "catalog:photo#uncertified": Route(
        PUBLIC,
        args=lambda o, w, r: {"pk": o.plain_product.pk, "photo_id": o.plain_photo.pk},
        public_ok=(404,),
        note=UNCERTIFIED,
    ),
    "catalog:producer": Route(PUBLIC, args=pk("producer")),
    "catalog:province": Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id}),
    "catalog:province_print": Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id}),
    "catalog:opendata": Route(PUBLIC),
    "catalog:opendata_file": Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id, "fmt": "csv"}),
    "catalog:opendata_file#national": Route(PUBLIC, args=lambda o, w, r: {"area_id": "vn", "fmt": "json"}),
    "catalog:opendata_file#xlsx": Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id, "fmt": "xlsx"}),
    "robots": Route(PUBLIC),
    "sitemap": Route(PUBLIC),
    # ── imports ─────────────────────────────────────────────────────────────────────────────────────────────────────
    # the history lists the jobs of every import kind the user may run (settings.IMPORT_KINDS)
    "imports:history": Route(LIST, ("certification.manage", "ntm.manage", *IMPORT_ACTIONS)),
    "imports:job": Route(OBJECT, "certification.manage", pk("import_job")),
    "imports:mapping": Route(OBJECT, "certification.manage", pk("import_job"), methods=P),
    "imports:write": Route(OBJECT, "certification.manage", pk("import_job"), methods=P),
    "imports:cancel": Route(OBJECT, "certification.manage", pk("import_job"), methods=P),
    "imports:undo": Route(OBJECT, "certification.manage", pk("import_job"), methods=P),
    "imports:error_file": Route(OBJECT, "certification.manage", pk("import_job")),
    # ── notifications (one's own) ───────────────────────────────────────────────────────────────────────────────────
    "notifications:list": Route(LOGIN),
    "notifications:read": Route(
        LOGIN,
        args=personal("notification", "pk"),
        methods=P,
        personal=True,
    ),
    "notifications:read_all": Route(LOGIN, methods=P),
    # ── API: the documents themselves ───────────────────────────────────────────────────────────────────────────────
    "api:openapi-json": Route(PUBLIC),
    "api:openapi-view": Route(PUBLIC),
    "api:api-root": Route(PUBLIC, public_ok=(200, 404)),
}

# API operations, by (method, path as in the OpenAPI schema). The operation's own URL name (api:<name>) is covered here,
# not in ROUTES: the test checks that each API URL pattern belongs to an operation below.
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/areas/units"): Route(PUBLIC),
    ("GET", "/api/v1/areas/units/{area_id}"): Route(PUBLIC, args=lambda o, w, r: {"area_id": o.area_id}),
    ("GET", "/api/v1/areas/resolve"): Route(PUBLIC, query="province=Điện Biên", public_ok=(200, 400, 404)),
    ("GET", "/api/v1/accounts/me"): Route(LOGIN),
    ("GET", "/api/v1/accounts/memberships"): Route(LIST, "accounts.view_members", empty_ok=True),
    ("GET", "/api/v1/accounts/memberships/{membership_id}"): Route(
        OBJECT, "accounts.view_members", pk("membership", "membership_id")
    ),
    ("POST", "/api/v1/accounts/tokens"): Route(LOGIN, methods=P),
    ("DELETE", "/api/v1/accounts/tokens/{token_id}"): Route(
        LOGIN,
        args=personal("token", "token_id"),
        methods=("DELETE",),
        personal=True,
    ),
    ("GET", "/api/v1/audit/entries"): Route(LIST, "audit.view", empty_ok=True),
    ("GET", "/api/v1/audit/entries/{entry_id}"): Route(OBJECT, "audit.view", pk("audit", "entry_id")),
    ("GET", "/api/v1/producers/"): Route(LIST, "producers.view", empty_ok=True),
    ("GET", "/api/v1/producers/{producer_id}"): Route(OBJECT, "producers.view", pk("producer", "producer_id")),
    ("GET", "/api/v1/products/"): Route(LIST, V_PROD, empty_ok=True),
    ("GET", "/api/v1/products/{product_id}"): Route(OBJECT, V_PROD, pk("product", "product_id")),
    ("GET", "/api/v1/verify/{code}"): Route(PUBLIC, args=lambda o, w, r: {"code": o.certificate.code}),
    ("GET", "/api/v1/certification/products/{product_id}/inspections"): Route(
        OBJECT, "certification.view", pk("product", "product_id")
    ),
    ("GET", "/api/v1/certification/inspections/{inspection_id}"): Route(
        OBJECT, "certification.view", pk("inspection", "inspection_id")
    ),
    ("GET", "/api/v1/evaluation/rounds"): Route(LIST, (EV_M, EV_S), empty_ok=True),
    ("GET", "/api/v1/evaluation/rounds/{round_id}/items"): Route(
        OBJECT, EV_M, pk("round", "round_id"), seat=("council_member", "advisory_member")
    ),
    ("GET", "/api/v1/evaluation/items/{item_id}/scoresheet"): Route(OBJECT, "", pk("item", "item_id"), seat=SEATS),
    ("POST", "/api/v1/evaluation/items/{item_id}/answers"): Route(
        OBJECT, "", pk("item", "item_id"), methods=P, seat=SEATS
    ),
    ("POST", "/api/v1/evaluation/items/{item_id}/submit"): Route(
        OBJECT, "", pk("item", "item_id"), methods=P, seat=SEATS
    ),
    ("GET", "/api/v1/evaluation/rounds/{round_id}/advisory"): Route(OBJECT, EV_M, pk("round", "round_id"), seat=SEATS),
    ("GET", "/api/v1/evaluation/items/{item_id}/advisory"): Route(OBJECT, EV_M, pk("item", "item_id"), seat=SEATS),
    # Every seat reads its round's proposals through the API (evaluation.api.rounds_for), while the page shows them to
    # the chair and the office only: reported, not a leak outside the round.
    ("GET", "/api/v1/evaluation/rounds/{round_id}/ministry-proposals"): Route(
        OBJECT, EV_M, pk("round", "round_id"), seat=SEATS
    ),
    ("GET", "/api/v1/evaluation/ministry-proposals"): Route(LIST, (EV_M, EV_S), empty_ok=True),
    # The published criteria sets are public reference (evaluation/criteria_api.py, auth=None).
    ("GET", "/api/v1/criteria"): Route(PUBLIC),
    ("GET", "/api/v1/criteria/{code}/sheets/{no}"): Route(PUBLIC, args=lambda o, w, r: {"code": "26-2026", "no": 1}),
    ("GET", "/api/v1/reports/ocop"): Route(PUBLIC, query="area=2025:11&as_of=2026-01-01"),
    ("GET", "/api/v1/reports/ntm"): Route(PUBLIC, query="area=2025:11&year=2026"),
    ("GET", "/api/v1/ntm/criteria-sets"): Route(LOGIN),
    ("GET", "/api/v1/ntm/assessments"): Route(LIST, NTM_V, query="year=2026", empty_ok=True),
}

# URL patterns that are not application routes.
EXCLUDED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")


def _merge_fragments():
    """Issue 17's families declare their rows beside their world objects (tests/security/routes_*.py)."""
    from tests.security import (
        routes_funding,
        routes_linkages,
        routes_monitoring,
        routes_ntm_areas,
        routes_ntm_indicators,
        routes_ntm_levels,
        routes_ntm_procedure,
        routes_ntm_village_assessments,
        routes_plans,
        routes_training,
        routes_villages,
    )

    for fragment in (
        routes_plans,
        routes_linkages,
        routes_funding,
        routes_monitoring,
        routes_training,
        routes_villages,
        routes_ntm_village_assessments,
        routes_ntm_areas,
        routes_ntm_procedure,
        routes_ntm_indicators,
        routes_ntm_levels,
    ):
        for key in fragment.ROUTES:
            assert key not in ROUTES, key
        for key in fragment.API:
            assert key not in API, key
        ROUTES.update(fragment.ROUTES)
        API.update(fragment.API)


_merge_fragments()
