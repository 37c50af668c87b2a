"""Issue 14, item 7: rate limits and login lockout that a forged X-Forwarded-For does not reset.

core.ratelimit.client_ip believes X-Forwarded-For only from settings.TRUSTED_PROXIES, read from the right;
core.middleware.RateLimitMiddleware counts requests per client (per account once signed in) against
settings.RATE_LIMITS;
django-axes counts login failures with the same client address (AXES_CLIENT_IP_CALLABLE).
"""

import random

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from core import ratelimit

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def fresh_counters():
    caches[settings.RATE_LIMIT_CACHE].clear()
    yield
    caches[settings.RATE_LIMIT_CACHE].clear()


def random_ip() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def ip_of(remote, forwarded=None, **overrides):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(**overrides):
        return ratelimit.client_ip(RequestFactory().get("/", **meta))


# ── who is asking ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert ip_of("203.0.113.9", "1.2.3.4", TRUSTED_PROXIES=[]) == "203.0.113.9"


def test_an_untrusted_sender_cannot_name_another_client():
    assert ip_of("203.0.113.9", "1.2.3.4", TRUSTED_PROXIES=[PROXY]) == "203.0.113.9"


def test_from_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client():
    trusted = {"TRUSTED_PROXIES": ["10.0.0.0/8", "2001:db8::/32"]}
    assert ip_of(PROXY, "203.0.113.9", **trusted) == "203.0.113.9"
    # the client wrote the left part itself; our proxies (10.x) appended on the right
    assert ip_of(PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.7", **trusted) == "203.0.113.9"
    assert ip_of(PROXY, "1.2.3.4,203.0.113.9:5678", **trusted) == "203.0.113.9"
    assert ip_of("2001:db8::1", "[2001:db9::5]:443", **trusted) == "2001:db9::5"
    assert ip_of(PROXY, "10.0.0.8", **trusted) == "10.0.0.8"  # from inside: the first hop
    assert ip_of(PROXY, None, **trusted) == PROXY
    assert ip_of(PROXY, "1.2.3.4, nonsense", **trusted) == PROXY  # never trust what is not an address


# ── the limits ─────────────────────────────────────────────────────────────────────────────────────────────────────

REPORT = "/api/v1/reports/ocop?as_of=2022-03-31&area=pre2025:11"


@override_settings(RATE_LIMITS=[("/api/v1/reports/", "3/m")], TRUSTED_PROXIES=[])
def test_a_random_forwarded_for_per_request_still_gets_429(client):
    codes = [client.get(REPORT, HTTP_X_FORWARDED_FOR=random_ip()).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    response = client.get(REPORT, HTTP_X_FORWARDED_FOR=random_ip())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert "Quá nhiều yêu cầu" in response.json()["detail"]


@override_settings(RATE_LIMITS=[("/api/v1/reports/", "2/m")], TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client):
    def ask(real, spoofed=""):
        forwarded = f"{spoofed}, {real}" if spoofed else real
        return client.get(REPORT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [ask("203.0.113.9", random_ip()) for _ in range(3)] == [200, 200, 429]  # rotating the left part: no help
    assert [ask("203.0.113.10") for _ in range(3)] == [200, 200, 429]  # another client counts from zero
    assert client.get(REPORT, REMOTE_ADDR="203.0.113.11", HTTP_X_FORWARDED_FOR="203.0.113.12").status_code == 200


# One path of each kind that must be limited, with what it is. The patterns are the real settings; only the rates are
# made small, so this checks that RATE_LIMITS covers each of them.
LIMITED = [
    "/api/v1/reports/ocop?as_of=2022-03-31&area=pre2025:11",  # public OCOP report
    "/api/v1/reports/ntm?year=2021&area=pre2025:100",  # public NTM report
    "/verify/ABC123/",  # certificate verification page (QR code)
    "/verify/",
    "/api/v1/verify/ABC123",
    "/api/v1/areas/resolve?province=Điện Biên",
    "/reports/ocop/",  # OCOP dashboard, its lists and exports
    "/reports/ocop/records/",
    "/reports/ocop/export.xlsx",
    "/ntm/",  # NTM dashboard, its lists and export
    "/ntm/communes/",
    "/ntm/export.xlsx",
    "/register/certificates/ABC123.pdf",  # PDFs
    "/evaluation/1/minutes.pdf",
    "/evaluation/items/1/sheets/2.pdf",
    "/reports/ocop/report.pdf",
]


@pytest.mark.parametrize("path", LIMITED)
def test_each_public_and_costly_path_is_limited(client, path):
    small = [(pattern, "2/m") for pattern, _rate in settings.RATE_LIMITS]
    with override_settings(RATE_LIMITS=small):
        codes = [client.get(path, REMOTE_ADDR="198.51.100.1").status_code for _ in range(3)]
        assert 429 not in codes[:2] and codes[2] == 429, codes
        response = client.get(path, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=random_ip())
        assert response.status_code == 429
        assert response["Retry-After"].isdigit()
        if path.startswith("/api/"):
            assert "Quá nhiều yêu cầu" in response.json()["detail"]
        else:
            assert response["Content-Type"].startswith("text/plain")
            assert "Quá nhiều yêu cầu" in response.content.decode()


def test_other_pages_are_not_limited(client):
    small = [(pattern, "1/m") for pattern, _rate in settings.RATE_LIMITS]
    with override_settings(RATE_LIMITS=small):
        for path in ("/", "/areas/", "/accounts/login/", "/api/v1/areas/units?q=Điện"):
            assert {client.get(path).status_code for _ in range(3)} & {429} == set(), path


@override_settings(RATE_LIMITS=[("/reports/", "2/m")])
def test_signed_in_users_are_counted_by_account_not_by_office_address(client, province_officer, other_province_officer):
    client.force_login(province_officer)
    assert [client.get("/reports/ocop/").status_code for _ in range(3)][2] == 429
    client.force_login(other_province_officer)  # a colleague behind the same address
    assert client.get("/reports/ocop/").status_code == 200


def test_the_default_limits_are_set():
    limits = dict(settings.RATE_LIMITS)
    assert limits["/api/v1/reports/"] == settings.REPORTS_API_RATE
    for rate in limits.values():
        assert ratelimit.parse_rate(rate)[0] > 0
    assert "core.middleware.RateLimitMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index("core.middleware.RateLimitMiddleware") > settings.MIDDLEWARE.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_a_bad_rate_is_refused():
    with pytest.raises(ValueError):
        ratelimit.parse_rate("lots")


# ── login lockout (django-axes) ────────────────────────────────────────────────────────────────────────────────────


def fail_then_login(client, forwarded, remote="127.0.0.1"):
    for spoofed in forwarded[:-1]:
        client.post(
            "/accounts/login/",
            {"username": "tinh", "password": "wrong"},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=spoofed,
        )
    return client.post(
        "/accounts/login/",
        {"username": "tinh", "password": "pw-tinh"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded[-1],
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXIES=[])
def test_login_lockout_holds_with_a_rotating_forwarded_for(client, province_officer):
    response = fail_then_login(client, [random_ip() for _ in range(4)])
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_login_lockout_follows_the_real_client(client, province_officer):
    # the attacker rotates what they write; the proxy appends their real address
    attempts = [f"{random_ip()}, 203.0.113.9" for _ in range(4)]
    assert fail_then_login(client, attempts, remote=PROXY).status_code == 429
    # the same account from another client behind the same proxy is not locked out by the attacker
    response = client.post(
        "/accounts/login/",
        {"username": "tinh", "password": "pw-tinh"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert response.status_code == 302
