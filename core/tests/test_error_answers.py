"""Nothing fails silently: a refusal answered to htmx is a fragment with its message (swapped where the person is
looking, base.html's htmx config), a full page otherwise; a request too large for the server says so."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_not_found_is_a_fragment_for_htmx_and_a_page_otherwise(client, province_officer):
    client.force_login(province_officer)
    page = client.get("/products/999999/")
    assert page.status_code == 404 and "<html" in page.content.decode()
    fragment = client.get("/products/999999/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 404 and "<html" not in body
    assert 'data-testid="error-fragment"' in body and "ngoài địa bàn bạn được giao" in body


def test_the_htmx_config_swaps_refusals():
    from pathlib import Path

    base = (Path(__file__).resolve().parents[2] / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"code": "4..", "swap": true' in base


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_request_too_large_says_so(client, province_officer):
    client.force_login(province_officer)
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "x" * 500}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
