"""Issue 14 item 6: bad input answers 4xx with a message, never 500 (each case below was a 500 on SQLite, PostgreSQL or
both before the fix). Runs on both databases (`make test`, CI)."""

import json

import pytest
from django.test import Client

from accounts.services import issue_token

pytestmark = pytest.mark.django_db

HUGE = "999999999999999999999999999999"  # 30 digits: beyond SQLite's 64-bit integers and PostgreSQL's bigint


@pytest.fixture
def officer_client(province_officer):
    client = Client(raise_request_exception=False)
    client.force_login(province_officer)
    return client


@pytest.fixture
def token_client(province_officer):
    _token, key = issue_token(actor=province_officer, name="fuzz")
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def anon_client():
    return Client(raise_request_exception=False)


# --- NUL bytes, invalid UTF-8, unpaired surrogates (core.hostile) ---------------------------------------------------

NUL_REQUESTS = [
    "/api/v1/verify/a%00b",  # PostgreSQL: "A string literal cannot contain NUL (0x00) characters" (500)
    "/api/v1/accounts/memberships?role=%00",  # same, in a filter
    "/api/v1/areas/units?q=a%00b",
    "/areas/search/?q=a%00b",
    "/verify/?code=%ED%A0%80",  # a UTF-8-encoded surrogate
    "/areas/search/?q=%FF%FE",  # invalid UTF-8
]


@pytest.mark.parametrize("url", NUL_REQUESTS)
def test_nul_and_broken_utf8_in_query_or_path_answer_400(token_client, url):
    response = token_client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"]
    else:
        assert "NUL" in response.content.decode()


def test_nul_in_form_post_answers_400_before_the_view(anon_client):
    response = anon_client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_multipart_field_answers_400(officer_client):
    response = officer_client.post("/accounts/login/", {"username": "a\x00b", "password": "x"}, format="multipart")
    assert response.status_code == 400


def test_nul_in_cookie_answers_400(anon_client):
    # A quoted cookie's octal escape decodes to NUL: PostgreSQL would refuse the session lookup.
    assert anon_client.get("/areas/", headers={"Cookie": 'sessionid="\\000abcdefgh"'}).status_code == 400


def test_clean_unicode_passes(anon_client):
    response = anon_client.get("/areas/search/", {"q": "Điện Biên"})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["a\\u0000b", "\\ud800"])
def test_nul_or_lone_surrogate_in_json_body_answers_400(token_client, text):
    # PostgreSQL: NUL raised in the driver, the lone surrogate could not be encoded (both 500)
    body = '{"name": "' + text + '"}'
    response = token_client.post("/api/v1/accounts/tokens", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("body", [b"{", b'{"name": "\xff"}', b"[" * 100000])
def test_malformed_json_answers_400_in_vietnamese(token_client, body):
    response = token_client.post("/api/v1/accounts/tokens", body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_oversize_json_body_answers_413(token_client, settings):
    body = json.dumps({"name": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = token_client.post("/api/v1/accounts/tokens", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"]


def test_too_long_string_in_api_body_answers_400(token_client):
    response = token_client.post("/api/v1/accounts/tokens", {"name": "a" * 101}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


# --- dates and years out of range ------------------------------------------------------------------------------------

BAD_DATES = ["0001-01-01", "9999-12-31", "1944-12-31", "2101-01-01"]


@pytest.mark.parametrize("day", BAD_DATES)
@pytest.mark.parametrize(
    "path", ["/reports/ocop/", "/reports/ocop/records/", "/reports/ocop/export.xlsx", "/reports/ocop/report.pdf"]
)
def test_report_pages_and_exports_refuse_dates_out_of_range(anon_client, path, day):
    response = anon_client.get(path, {"as_of": day, "area": "2025:11"})
    assert response.status_code == 400
    assert "Ngày phải nằm trong khoảng 01/01/1945 – 31/12/2100" in response.content.decode()


@pytest.mark.parametrize("field", ["start", "end"])
def test_report_period_out_of_range(anon_client, field):
    response = anon_client.get("/reports/ocop/", {"as_of": "2025-06-30", "area": "2025:11", field: "9999-12-31"})
    assert response.status_code == 400


@pytest.mark.parametrize("day", [*BAD_DATES, "2025-02-30", "abc", "-1", "99999"])
def test_report_api_refuses_bad_dates(anon_client, day):
    response = anon_client.get("/api/v1/reports/ocop", {"as_of": day, "area": "2025:11"})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_report_api_accepts_the_range_limits(anon_client):
    assert anon_client.get("/api/v1/reports/ocop", {"as_of": "1945-01-01", "area": "2025:11"}).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_area_resolution_refuses_dates_out_of_range(anon_client, day):
    response = anon_client.get("/api/v1/areas/resolve", {"province": "Điện Biên", "on_date": day})
    assert response.status_code == 400
    assert "1945" in response.json()["detail"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_product_register_refuses_dates_out_of_range(token_client, officer_client, day):
    assert token_client.get("/api/v1/products/", {"as_of": day}).status_code == 400
    assert officer_client.get("/products/", {"as_of": day}).status_code in (200, 400)  # the page shows the error


@pytest.mark.parametrize("year", ["99999", "-1", "abc", HUGE, "0"])
def test_ntm_years_out_of_range(anon_client, officer_client, token_client, year):
    assert anon_client.get("/api/v1/reports/ntm", {"year": year, "area": "2025:11"}).status_code == 400
    assert token_client.get("/api/v1/ntm/assessments", {"year": year}).status_code == 400
    assert officer_client.get("/ntm/", {"year": year, "area": "2025:11"}).status_code < 500


# --- huge numbers in pagination ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas/units",
        "/api/v1/products/",
        "/api/v1/producers/",
        "/api/v1/accounts/memberships",
        "/api/v1/audit/entries",
        "/api/v1/evaluation/ministry-proposals",
    ],
)
@pytest.mark.parametrize("param", [{"offset": HUGE}, {"limit": HUGE}, {"offset": "9223372036854775808"}])
def test_api_pagination_bounds(token_client, url, param):
    # SQLite: "Python int too large to convert to SQLite INTEGER"; PostgreSQL: bigint out of range (both 500)
    response = token_client.get(url, param)
    assert response.status_code == 400
    assert next(iter(param)) in response.json()["detail"]


def test_api_pagination_within_bounds(token_client, settings):
    body = token_client.get("/api/v1/areas/units", {"limit": settings.API_MAX_LIMIT, "offset": 0}).json()
    assert len(body["items"]) == settings.API_MAX_LIMIT
    assert token_client.get("/api/v1/areas/units", {"limit": settings.API_MAX_LIMIT + 1}).status_code == 400
    assert token_client.get("/api/v1/areas/units", {"offset": settings.API_MAX_OFFSET}).json()["items"] == []


def test_every_list_takes_the_bounded_pagination(system_admin):
    _token, key = issue_token(actor=system_admin, name="fuzz")
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {key}"})
    for param in ({"limit": HUGE}, {"offset": HUGE}):
        assert client.get("/api/v1/audit/entries", param).status_code == 400
        assert client.get("/api/v1/certification/products/1/inspections", param).status_code == 400


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_criteria_api_refuses_dates_out_of_range(anon_client, day):
    answer = anon_client.get("/api/v1/criteria", {"on": day})
    assert answer.status_code == 400 and "1945" in answer.json()["detail"]


def test_a_digit_that_is_not_ascii_is_not_an_id(officer_client):
    # "²".isdigit() is true and int("²") raises: the new-product page took it for a producer id (500)
    assert officer_client.get("/products/new/", {"producer": "²"}).status_code == 200
    assert officer_client.get("/products/new/", {"producer": HUGE}).status_code == 200


@pytest.mark.parametrize(
    "url", ["/areas/search/?q=abc&page=" + HUGE, "/ntm/recognitions/?page=" + HUGE, "/producers/?page=" + HUGE]
)
def test_huge_page_numbers_on_pages(officer_client, url):
    assert officer_client.get(url).status_code == 200


# --- the API's documented errors and input bounds ---------------------------------------------------------------------


def _strings_without_bound(schema, components, where):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _strings_without_bound(components[name], components, f"{where}->{name}")
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _strings_without_bound(option, components, where)
    unbounded = schema.get("type") == "string" and "maxLength" not in schema and "enum" not in schema
    if unbounded and schema.get("format") not in ("date", "date-time", "binary"):
        yield where
    for name, prop in schema.get("properties", {}).items():
        yield from _strings_without_bound(prop, components, f"{where}.{name}")


def test_api_operations_document_errors_and_bound_their_strings():
    from api.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    problems = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            codes = {str(code) for code in op["responses"]}
            if not {"400", "404", "429"} <= codes:
                problems.append(f"{method} {path}: responses {sorted(codes)}")
            for param in op.get("parameters", []):
                where = f"{method} {path} {param['name']}"
                problems += _strings_without_bound(param.get("schema", {}), components, where)
            for content in op.get("requestBody", {}).get("content", {}).values():
                problems += _strings_without_bound(content.get("schema", {}), components, f"{method} {path} body")
    assert problems == []


# --- hidden fields of page buttons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url,key", [("/ntm/completeness/remind/", "area"), ("/ntm/completeness/period/", "province")])
@pytest.mark.parametrize(
    "area,year", [("abc", "2024"), ("2025:11", "abc"), ("2025:11", HUGE), ("2025:11", "99999"), ("", "")]
)
def test_ntm_completeness_buttons_refuse_tampered_fields(officer_client, url, key, area, year):
    response = officer_client.post(url, {key: area, "year": year})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


# --- trade-promotion events (issue 16): the officers' forms and filters ----------------------------------------------


@pytest.fixture
def ended_participation(province_officer, unit):
    """An event of Tỉnh Điện Biên that ended ten days ago, with one producer accepted (its results may be recorded)."""
    import datetime

    from django.utils import timezone

    from producers.services import create_producer
    from products.models import ProductCategory
    from products.services import create_product
    from programme import event_services

    today = timezone.localdate()
    commune = unit("2025:03328")
    maker = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=commune)
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    rice = create_product(actor=None, name="Gạo tám", producer=maker, location=commune, group=group)
    event = event_services.create_event(
        actor=province_officer,
        name="Hội chợ OCOP Điện Biên",
        kind="fair",
        level="province",
        organiser="Sở Công Thương",
        start_date=today - datetime.timedelta(days=12),
        end_date=today - datetime.timedelta(days=10),
        place="Quảng trường 7/5",
        area=None,
        province=unit("2025:11"),
        description="",
        is_public=True,
    )
    return event_services.add_participant(actor=province_officer, event=event, producer=maker, products=[rice])


def _event_form(unit, **changes):
    data = {
        "name": "Hội chợ OCOP",
        "kind": "fair",
        "level": "province",
        "organiser": "Sở Công Thương",
        "start_date": "2027-03-01",
        "end_date": "2027-03-03",
        "place": "Quảng trường 7/5",
        "area": "",
        "province": unit("2025:11").pk,
        "description": "",
        "is_public": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "path",
    [
        f"/programme/events/{HUGE}/",
        f"/programme/events/{HUGE}/edit/",
        f"/programme/events/{HUGE}/participants/add/",
        f"/programme/participations/{HUGE}/results/",
        f"/programme/products/{HUGE}/channels/",
        f"/catalog/product/{HUGE}/",
    ],
)
def test_event_and_channel_pages_answer_404_to_ids_beyond_the_database(officer_client, path):
    assert officer_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"end_date": "2027-02-01"}, "end_date"),  # before the start
        ({"kind": "parade"}, "kind"),
        ({"name": "a" * 256}, "name"),
        ({"province": HUGE}, "province"),
        ({"province": "abc"}, "province"),
        ({"area": "2025:99999"}, "area"),
    ],
)
def test_event_form_names_the_bad_field_and_records_nothing(officer_client, unit, changes, field):
    from programme.models import Event

    response = officer_client.post("/programme/events/new/", _event_form(unit, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"sales_value": HUGE}, "sales_value"),
        ({"sales_value": "NaN"}, "sales_value"),
        ({"sales_value": "Infinity"}, "sales_value"),
        ({"sales_value": "-1"}, "sales_value"),
        ({"sales_value": "1000.5"}, "sales_value"),
        ({"contracts_signed": HUGE}, "contracts_signed"),
        ({"new_buyers": "-3"}, "new_buyers"),
        ({"new_buyers": "²"}, "new_buyers"),
    ],
)
def test_results_form_names_the_bad_number_and_records_nothing(officer_client, ended_participation, changes, field):
    url = f"/programme/participations/{ended_participation.pk}/results/"
    response = officer_client.post(url, {"contracts_signed": "2", "sales_value": "1000", "new_buyers": "1", **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    ended_participation.refresh_from_db()
    assert ended_participation.results_recorded_at is None


@pytest.mark.parametrize("year", ["99999", "-1", "abc", HUGE, "0"])
@pytest.mark.parametrize("fmt", ["", "xlsx"])
def test_event_report_and_export_survive_years_out_of_range(officer_client, year, fmt):
    response = officer_client.get("/programme/events/report/", {"year": year, "format": fmt})
    assert response.status_code == 200


@pytest.mark.parametrize("area", ["abc", "2025:99999", HUGE, "%"])
def test_event_report_and_never_promoted_survive_unknown_areas(officer_client, area):
    assert officer_client.get("/programme/events/report/", {"area": area}).status_code == 200
    assert officer_client.get("/programme/events/never-promoted/", {"area": area}).status_code == 200
    assert officer_client.get("/programme/events/never-promoted/", {"page": HUGE}).status_code == 200


@pytest.mark.parametrize("reason", ["", "   ", "a" * 501])
def test_cancel_and_decline_refuse_a_missing_or_overlong_reason(officer_client, ended_participation, reason):
    from programme.models import Participation

    event = ended_participation.event
    response = officer_client.post(f"/programme/events/{event.pk}/cancel/", {"reason": reason})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is None
    # a request still waiting, so that only the reason can stop the decline
    Participation.objects.filter(pk=ended_participation.pk).update(status="registered")
    response = officer_client.post(f"/programme/participations/{ended_participation.pk}/decline/", {"reason": reason})
    assert response.status_code == 302
    ended_participation.refresh_from_db()
    assert ended_participation.status == "registered"


# --- the public catalogue (issue 16) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,status",
    [
        (f"/catalog/product/{HUGE}/qr.png", 404),
        (f"/catalog/product/{HUGE}/photos/{HUGE}/", 404),
        (f"/catalog/producer/{HUGE}/", 404),
        ("/catalog/province/abc/", 404),
        ("/catalog/province/2025:99/", 404),
        ("/catalog/province/abc/print.pdf", 404),
        ("/catalog/open-data/2025:99.csv", 404),
        (f"/catalog/search/?q=MX&page={HUGE}", 200),
        ("/catalog/search/?q=" + "đ" * 5000, 200),
    ],
)
def test_catalogue_answers_unknown_places_and_huge_numbers_without_error(anon_client, url, status):
    assert anon_client.get(url).status_code == status
