"""Issue 14: the permission matrix. Every route of config/urls.py and every operation of the API is declared in
tests/security/matrix.py; each is tried by anonymous and by one user of each role of accounts/roles.py (membership in
Tỉnh Điện Biên), on an object of Điện Biên ("own") and the same kind of object in Tỉnh Sơn La ("foreign"), with GET
and/or an empty POST. The expected answer is computed from ROLE_ACTIONS (see matrix.py for the rules per route kind);
nobody ever gets a 5xx. A route or API operation missing from the matrix fails test_every_route_is_declared.

Each request runs in a savepoint rolled back at once, so a POST by one role changes nothing another role sees.
"""

import re
import traceback

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ACTIONS, NATIONWIDE_ROLES, ROLE_ACTIONS, Role
from tests.security.matrix import API, EXCLUDED_PREFIXES, LIST, LOGIN, OBJECT, PUBLIC, ROUTES, Route

pytestmark = pytest.mark.django_db

PRINCIPALS = ["anonymous", *[str(r) for r in Role]]
OWN_MARK, FOREIGN_MARK = "MX-DB-", "MX-SL-"


# ── Enumeration ─────────────────────────────────────────────────────────────────────────────────────────────────────


def url_patterns(patterns=None, prefix="", namespace=None):
    """(route, name) of every URL pattern, names with their namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def api_operations():
    from api.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_route_is_declared():
    declared = {key.split("#")[0] for key in ROUTES}
    api_prefix = "api/v1/"
    missing, unnamed, api_routes = [], [], set()
    for route, name in url_patterns():
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if not name:
            unnamed.append(route)
        elif route.startswith(api_prefix) and name not in declared:
            api_routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
        elif name not in declared:
            missing.append(f"{name} ({route})")
    assert not unnamed, f"URL patterns without a name cannot be declared: {unnamed}"
    assert not missing, f"Routes missing from tests/security/matrix.py ROUTES: {missing}"
    operations = api_operations()
    assert not operations - set(API), f"API operations missing from matrix.API: {sorted(operations - set(API))}"
    assert not set(API) - operations, f"matrix.API names operations that do not exist: {sorted(set(API) - operations)}"
    # every API URL pattern is the path of a declared operation
    assert api_routes <= {path for _m, path in operations}, sorted(api_routes - {p for _m, p in operations})
    stale = declared - {name for _r, name in url_patterns() if name}
    assert not stale, f"matrix.ROUTES names routes that do not exist: {sorted(stale)}"


def test_declarations_name_real_actions_and_roles():
    """A typo in an action would make every role "lack" it and the matrix expect refusals only."""
    for key, route in [*ROUTES.items(), *API.items()]:
        assert set(route.actions) <= set(ACTIONS), (key, route.actions)
        assert set(route.seat) <= set(Role.values), (key, route.seat)
        assert route.kind in (PUBLIC, LOGIN, LIST, OBJECT), key
        assert route.kind not in (LIST, OBJECT) or route.actions or route.seat, f"{key}: who reaches it?"


def test_world_is_where_the_matrix_says(world):
    """Own objects lie in Tỉnh Điện Biên (the commune roles' Xã Thanh Nưa), foreign ones in Tỉnh Sơn La."""
    for side, province in ((world.own, "11"), (world.foreign, "14")):
        assert side.product.location.province.code == province
        assert side.producer.location.province.code == province
        assert side.round.province.code == province
        assert side.import_job.area.code == province
        assert side.audit is not None and side.audit.area.province.code == province
        assert side.assessment.commune.province.code == province
    assert str(world.own.commune.area_id) == "2025:03328"
    assert world.users[Role.PRODUCER] in world.own.producer.accounts.all()


# ── Expectations ────────────────────────────────────────────────────────────────────────────────────────────────────


def reaches(route: Route, role: str, side: str) -> str:
    """ "action" (the role holds an action of the route), "seat" (reaches it by a seat, own round only) or ""."""
    if any(a in ROLE_ACTIONS.get(role, ()) for a in route.actions):
        return "action"
    if role in route.seat and side == "own":
        return "seat"
    return ""


def expected(route: Route, principal: str, side: str, method: str, api: bool) -> set[str]:
    """The outcomes allowed for one cell: "ok", "refused" (a refusal on the merits: an error message and a redirect
    or a 400), "denied" (403/404), "not_found" (404), "login" (login page / 401), or a literal status."""
    if route.kind == PUBLIC:
        return set(route.public_ok) if method == "GET" else {"ok", "refused", "denied"}
    if principal == "anonymous":
        return {"login"}
    get_ok = {*route.get_ok, "refused"} if route.refused_get else set(route.get_ok)
    if route.kind == LOGIN:
        if route.personal and side == "foreign":
            # someone else's token/notification: 404, or for a button the service's "not found" message
            return {"not_found"} if method == "GET" else {"not_found", "refused"}
        return get_ok if method == "GET" else {"ok", "refused"}
    reach = reaches(route, principal, side)
    if route.kind == OBJECT and side == "foreign" and reach == "action" and principal not in NATIONWIDE_ROLES:
        return {"not_found", "denied", "refused"} if route.posted_area else {"not_found"}
    if reach:
        return get_ok if method == "GET" else {"ok", "refused"}
    if method == "GET":
        lacking = {"denied"}
        if route.kind == LIST and route.empty_ok:
            lacking.add(200)
        if route.refused_get:
            lacking.add("refused")
        return lacking
    # An empty POST may be refused on its merits (an empty form, a missing field) before permission is asked.
    return {"denied", "refused"}


def classify(response, api: bool) -> set[str]:
    status = response.status_code
    kinds = {status}
    if status >= 500:
        return {"error", status}
    if api and status == 401:
        kinds.add("login")
    if status in (301, 302) and response.get("Location", "").split("?")[0] == resolve_url(settings.LOGIN_URL):
        kinds.add("login")
        return kinds
    if status in (403, 404):
        kinds.add("denied")
        if status == 404:
            kinds.add("not_found")
        return kinds
    # only this request's messages (queued), not those left over from an earlier redirect
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    levels = {m.level for m in getattr(storage, "_queued_messages", [])}
    error_flash = message_levels.ERROR in levels and message_levels.SUCCESS not in levels
    if status in (400, 409, 422) or (error_flash and status in (200, 301, 302, 303)):
        kinds.add("refused")
    else:
        kinds.add("ok")
    return kinds


# ── The cells ───────────────────────────────────────────────────────────────────────────────────────────────────────


def _cases():
    for key, route in ROUTES.items():
        for method in route.methods:
            yield _case(f"{key} {method}", ("page", key), route, method)
    for (method, path), route in API.items():
        yield _case(f"{method} {path}", ("api", path), route, method)


def _case(case_id, target, route, method):
    marks = [pytest.mark.xfail(strict=True, reason=r) for m, r in route.xfail.items() if m in ("*", method)]
    return pytest.param(target, route, method, id=case_id, marks=marks)


def _sides(route: Route):
    if route.kind == PUBLIC or (route.args is None and route.data is None and route.kind != OBJECT):
        return ["own"]
    return ["own", "foreign"]


def _request(world, target, route, method, principal, side):
    kind, key = target
    o = world.side(side)
    args = route.args(o, world, principal) if route.args else {}
    if kind == "page":
        url = reverse(key.split("#")[0], kwargs=args)
        client = world.clients[principal]
        client.cookies.pop("messages", None)
        if principal != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[principal]
        else:
            client.cookies.clear()
        call = getattr(client, method.lower())
        target_url = f"{url}?{route.query}" if route.query else url
        data = route.data(o, world, principal) if route.data and method == "POST" else {}
        return target_url, lambda: call(target_url, data if method == "POST" else None)
    url = key.format(**args)
    target_url = f"{url}?{route.query}" if route.query else url
    headers = {} if principal == "anonymous" else {"Authorization": f"Bearer {world.tokens[principal]}"}
    client = Client()
    if method == "GET":
        return target_url, lambda: client.get(target_url, headers=headers)
    return target_url, lambda: client.generic(
        method, target_url, "{}", content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(("target", "route", "method"), list(_cases()))
def test_route(world, target, route, method):
    """One route and method, tried by every principal on each side; all the wrong cells are reported together."""
    problems = []
    for principal in PRINCIPALS:
        problems += _cells(world, target, route, method, principal)
    assert not problems, "\n".join(problems)


def _cells(world, target, route, method, principal):
    problems = []
    for side in _sides(route):
        # Cells about a route without own/foreign objects run once ("own").
        url, call = _request(world, target, route, method, principal, side)
        try:
            with transaction.atomic():
                response = call()
                transaction.set_rollback(True)
        except Exception:  # a server error: the test client re-raises it
            problems.append(f"{principal} {side} {method} {url}: 500\n{traceback.format_exc(limit=-3)}")
            continue
        got = classify(response, target[0] == "api")
        want = expected(route, principal, side, method, target[0] == "api")
        if not got & want:
            problems.append(
                f"{principal} {side} {method} {url}: got {response.status_code} {sorted(map(str, got))}, "
                f"expected one of {sorted(map(str, want))}"
            )
            continue
        streamed = getattr(response, "streaming", False)
        body = response.content.decode(errors="replace") if response.status_code == 200 and not streamed else ""
        if route.kind in (LIST, LOGIN) and principal not in NATIONWIDE_ROLES and FOREIGN_MARK in body:
            problems.append(f"{principal} {side} {method} {url}: shows a Sơn La record ({FOREIGN_MARK}…)")
        if route.kind == LIST and not reaches(route, principal, side) and OWN_MARK in body:
            problems.append(f"{principal} {side} {method} {url}: shows a record ({OWN_MARK}…) without the action")
    return problems
