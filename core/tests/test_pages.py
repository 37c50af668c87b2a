import pytest

from accounts import services
from accounts.roles import Role
from core import audit

pytestmark = pytest.mark.django_db


def test_home_sends_a_visitor_to_the_catalogue_and_keeps_the_office_home_for_users(client, province_officer):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    client.force_login(province_officer)
    response = client.get("/")
    assert response.status_code == 200 and "core/home.html" in [t.name for t in response.templates]


def test_home_and_area_pages_render_for_anyone(client):
    assert client.get("/", follow=True).status_code == 200
    for url in [
        "/areas/",
        "/areas/?scheme=pre2025",
        "/areas/pre2025:11/",
        "/areas/pre2025:100/",
        "/areas/pre2025:03331/",
        "/areas/2025:03328/",
        "/areas/search/?q=thanh+hung",
        "/accounts/login/",
    ]:
        assert client.get(url).status_code == 200, url


def test_unit_page_shows_validity_and_successors(client):
    page = client.get("/areas/pre2025:03331/").content.decode()
    assert "Xã Thanh Hưng" in page and "Xã Thanh Nưa" in page and "đến hết ngày 30/06/2025" in page
    page = client.get("/areas/2025:03328/").content.decode()
    assert "Xã Thanh Hưng" in page  # as a predecessor
    page = client.get("/areas/pre2025:03751/").content.decode()
    assert "Chưa xác định đơn vị kế thừa" in page


def test_unknown_and_malformed_units_answer_a_vietnamese_404(client):
    for url in ["/areas/2025:99999/", "/areas/nonsense/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy" in response.content.decode()


def test_search_answers_a_fragment_to_htmx(client):
    response = client.get("/areas/search/?q=thanh+hung", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "Xã Thanh Hưng" in body
    assert "<html" in client.get("/areas/search/?q=thanh+hung").content.decode()


def test_province_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/areas/?scheme=pre2025")
    with django_assert_max_num_queries(4):
        client.get("/areas/?scheme=2025")


def test_unit_page_query_count_does_not_grow_with_children(client, django_assert_max_num_queries):
    # Hà Nội (2025) has 126 communes, Huyện Điện Biên 21: same query budget.
    for url in ["/areas/2025:01/", "/areas/pre2025:100/", "/areas/pre2025:03331/"]:
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def assert_query_count_does_not_grow(client, url, add_rows):
    """Fetch `url`, add rows, fetch again: the second fetch must run exactly as many queries as the first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (session, content types) so both measured fetches start alike
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_rows()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    return response


def add_members(actor, area, prefix, role, count=30):
    def add():
        for n in range(count):
            user = services.create_user(actor=None, username=f"{prefix}{n}", password=None)
            services.grant_membership(actor=actor, user=user, role=role, area=area)

    return add


def test_audit_list_query_count_is_constant(client, province_officer, unit):
    client.force_login(province_officer)
    assert_query_count_does_not_grow(
        client, "/audit/", add_members(province_officer, unit("2025:03328"), "u", Role.VIEWER)
    )


def test_members_list_query_count_is_constant(client, province_officer, unit):
    client.force_login(province_officer)
    response = assert_query_count_does_not_grow(
        client, "/accounts/members/", add_members(None, unit("2025:03328"), "m", Role.PRODUCER)
    )
    assert "m29" in response.content.decode()


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/areas/units/{area_id}" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200


def test_unit_history_panel_shows_to_officers_in_scope(client, province_officer):
    client.force_login(province_officer)
    page = client.get("/areas/2025:03328/").content.decode()
    assert "areas.unit.created" in page
    assert audit.history  # the panel is the shared partial


def test_pages_send_a_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_api_unit_list_query_count_does_not_depend_on_page_size(client, django_assert_max_num_queries):
    for limit in (5, 100):
        with django_assert_max_num_queries(4):
            body = client.get("/api/v1/areas/units", {"parent": "2025:01", "limit": limit}).json()
        assert len(body["items"]) == limit
