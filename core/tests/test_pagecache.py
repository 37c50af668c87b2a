"""core.pagecache.public_page: an anonymous visitor's page is kept until an audited write, per language and address;
nobody else is served the kept copy, nobody gets another visitor's CSRF token, and errors are never kept."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.template import engines
from django.test import Client
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_protect

from core.pagecache import public_page

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CALLS = {"count": 0}
PAGE = engines["django"].from_string(
    "<p>{{ people }} people, {{ lang }}, {{ request.user.username|default:'anonymous' }}</p>"
    '<form method="post">{% csrf_token %}</form>'
)


def counted(view):
    def wrapper(request, *args, **kwargs):
        CALLS["count"] += 1
        return view(request, *args, **kwargs)

    return wrapper


@public_page("test-people")
@counted
def people(request):
    context = {"people": get_user_model().objects.count(), "lang": get_language()}
    return HttpResponse(PAGE.render(context, request))


@public_page("test-plain")
@counted
def plain(request):
    return HttpResponse(b"the same for everyone", content_type="text/plain")


@public_page("test-cookie")
@counted
def sets_cookie(request):
    response = HttpResponse(b"with a cookie")
    response.set_cookie("seen", "1")
    return response


@public_page("test-error")
@counted
def error(request, status):
    return HttpResponse(b"no", status=status)


@csrf_protect
def post_back(request):
    return HttpResponse(b"accepted")


urlpatterns = [
    path("people/", people),
    path("plain/", plain),
    path("cookie/", sets_cookie),
    path("error/<int:status>/", error),
    path("post/", post_back),
]


@pytest.fixture(autouse=True)
def _count_from_zero():
    CALLS["count"] = 0


def calls_for(client, url, times=2, **extra):
    before = CALLS["count"]
    responses = [client.get(url, **extra) for _ in range(times)]
    return CALLS["count"] - before, responses


def test_a_repeat_visit_is_served_from_the_cache_until_an_audited_write_changes_the_page(client, request):
    first = client.get("/people/")
    assert first["X-Page-Cache"] == "miss" and b"0 people" in first.content
    again = client.get("/people/")
    assert again["X-Page-Cache"] == "hit" and b"0 people" in again.content
    assert CALLS["count"] == 1
    request.getfixturevalue("province_officer")  # accounts.services.create_user: audited
    after = client.get("/people/")
    assert after["X-Page-Cache"] == "miss" and b"1 people" in after.content


def test_a_hit_costs_one_query_the_data_version(client, django_assert_num_queries):
    client.get("/people/")
    with django_assert_num_queries(1):
        assert client.get("/people/")["X-Page-Cache"] == "hit"


def test_a_signed_in_user_is_never_served_the_shared_copy_and_gets_a_private_one(client, province_officer):
    client.get("/people/")  # the anonymous copy is kept
    client.force_login(province_officer)
    views, responses = calls_for(client, "/people/")
    assert views == 2
    for response in responses:
        assert b"tinh" in response.content and b"anonymous" not in response.content
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
    assert Client().get("/people/")["X-Page-Cache"] == "hit"  # and the signed-in page was not kept either
    assert b"anonymous" in Client().get("/people/").content


def test_a_caller_with_an_api_token_is_never_served_the_shared_copy(client):
    client.get("/plain/")
    views, responses = calls_for(client, "/plain/", HTTP_AUTHORIZATION="Bearer ocop_whatever")
    assert views == 2 and all("private" in r["Cache-Control"] for r in responses)


def test_each_visitor_gets_their_own_csrf_token_never_the_one_the_page_was_made_with():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    made = first.get("/people/")
    served = second.get("/people/")
    assert made["X-Page-Cache"] == "miss" and served["X-Page-Cache"] == "hit"

    def token(response):
        html = response.content.decode()
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token(made) != token(served)
    for visitor, response in ((first, made), (second, served)):
        assert _unmask_cipher_token(token(response)) == visitor.cookies["csrftoken"].value
        assert "private" in response["Cache-Control"]  # no shared proxy may hand the token on
        assert visitor.post("/post/", {"csrfmiddlewaretoken": token(response)}).status_code == 200
    assert second.post("/post/", {"csrfmiddlewaretoken": token(made)}).status_code == 403


def test_a_page_without_a_token_may_be_kept_by_proxies():
    response = Client().get("/plain/")
    assert "max-age=300" in response["Cache-Control"] and "private" not in response["Cache-Control"]
    assert "csrftoken" not in response.cookies


def test_a_response_that_sets_a_cookie_is_not_shared(client):
    views, responses = calls_for(client, "/cookie/")
    assert views == 2
    assert all(r.cookies["seen"].value == "1" and "X-Page-Cache" not in r for r in responses)


@pytest.mark.parametrize("status", [400, 404])
def test_errors_are_not_kept(client, status):
    views, responses = calls_for(client, f"/error/{status}/")
    assert views == 2 and all(r.status_code == status for r in responses)
    assert all("max-age" not in r.get("Cache-Control", "") for r in responses)


def test_each_language_has_its_own_copy(client):
    vietnamese = client.get("/people/")
    client.cookies["django_language"] = "en"
    english = client.get("/people/")
    assert b", vi," in vietnamese.content and b", en," in english.content
    assert english["X-Page-Cache"] == "miss" and client.get("/people/")["X-Page-Cache"] == "hit"


def test_the_query_string_is_part_of_the_address(client):
    assert client.get("/plain/", {"a": "1"})["X-Page-Cache"] == "miss"
    assert client.get("/plain/", {"a": "2"})["X-Page-Cache"] == "miss"
    assert client.get("/plain/", {"a": "1"})["X-Page-Cache"] == "hit"


def test_head_is_answered_and_shares_the_copy_with_get(client):
    head = client.head("/plain/")
    assert head.status_code == 200 and head["X-Page-Cache"] == "miss"
    get = client.get("/plain/")
    assert get["X-Page-Cache"] == "hit" and get.content == b"the same for everyone"
    assert client.head("/plain/")["X-Page-Cache"] == "hit"
    assert CALLS["count"] == 1


def test_a_visitor_with_a_flash_message_is_answered_by_the_view(client):
    client.get("/plain/")
    client.cookies["messages"] = "anything"
    views, _responses = calls_for(client, "/plain/")
    assert views == 2
