"""Issue 15: the NTM dashboard offers the whole country (`vn`) to nationwide readers, its provinces as children, from
the report cached by data version (ntm.reporting.report_for); anyone else gets the refusal of an unknown area."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ntm.imports import import_ntm
from ntm.reporting import report_for
from ntm.tests.helpers import dien_bien_2021_rows, write_csv

pytestmark = pytest.mark.django_db
COUNTRY = {"year": 2021, "area": "vn"}
CHILD_FIGURES = ("communes", "assessed", "recognized", "basically_meeting")


@pytest.fixture
def dien_bien_2021(tmp_path):
    import_ntm(write_csv(tmp_path / "a.csv", dien_bien_2021_rows()), filename="a.csv")


def test_country_figures_are_the_sum_of_the_provinces(client, system_admin, dien_bien_2021):
    client.force_login(system_admin)
    response = client.get(reverse("ntm:dashboard"), COUNTRY)
    assert response.status_code == 200
    report = response.context["report"]
    assert report["area"]["id"] == "vn"
    assert len(report["children"]) == 63
    assert {c["id"].partition(":")[0] for c in report["children"]} == {"pre2025"}
    for key in CHILD_FIGURES:
        total = report["recognized_cumulative"]["dat-chuan"] if key == "recognized" else report[key]
        assert total == sum(c[key] for c in report["children"]), key
    assert report["assessed"] == 21  # Điện Biên's forms, the only ones
    html = response.content.decode()
    assert 'data-figure="assessed">21</a>' in html
    assert html.count('href="/ntm/?year=2021&amp;area=pre2025:') == 63  # each province opens its own dashboard
    assert 'data-testid="country"' not in html  # the country is shown: not offered again
    # the number links to its communes, across the country
    page = client.get(reverse("ntm:figure"), {**COUNTRY, "figure": "assessed"})
    assert page.status_code == 200
    assert page.content.decode().count('href="/ntm/commune/') == 21
    # the export is the same report
    export = client.get(reverse("ntm:export"), COUNTRY)
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="ntm-2021-vn.xlsx"'
    # a province's own page has the figures of its line
    dien_bien = next(c for c in report["children"] if c["id"] == "pre2025:11")
    own = client.get(reverse("ntm:dashboard"), {"year": 2021, "area": "pre2025:11"}).context["report"]
    assert (own["communes"], own["assessed"], own["basically_meeting"]) == (
        dien_bien["communes"],
        dien_bien["assessed"],
        dien_bien["basically_meeting"],
    )
    assert (
        'data-testid="country"'
        in client.get(reverse("ntm:dashboard"), {"year": 2021, "area": "pre2025:11"}).content.decode()
    )


def test_a_nationwide_reader_starts_on_the_country(client, system_admin, dien_bien_2021):
    client.force_login(system_admin)
    response = client.get(reverse("ntm:dashboard"), {"year": 2021})
    assert response.context["report"]["area"]["id"] == "vn"
    assert response.context["report"] == report_for(2021, "vn", user=system_admin)


def test_a_province_officer_is_refused_the_country(client, province_officer, dien_bien_2021):
    client.force_login(province_officer)
    response = client.get(reverse("ntm:dashboard"), COUNTRY)
    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].errors["area"] == ["Không có đơn vị hành chính mang mã vn."]
    assert 'data-testid="country"' not in response.content.decode()
    assert client.get(reverse("ntm:export"), COUNTRY).status_code == 404
    assert client.get(reverse("ntm:figure"), {**COUNTRY, "figure": "communes"}).status_code == 404


def test_pages_without_the_country_refuse_it_to_everyone(client, system_admin):
    client.force_login(system_admin)
    response = client.get(reverse("ntm:priorities"), COUNTRY)
    assert response.context["scope"] is None
    assert response.context["form"].errors["area"] == ["Không có đơn vị hành chính mang mã vn."]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("ntm:dashboard"), COUNTRY).status_code == 200
    return len(ctx)


def test_the_country_page_costs_the_same_queries_whatever_the_data(client, system_admin, tmp_path):
    client.force_login(system_admin)
    cache.clear()
    empty = _queries(client)
    cached = _queries(client)
    assert cached < empty  # the report itself came from the cache
    import_ntm(write_csv(tmp_path / "a.csv", dien_bien_2021_rows()), filename="a.csv")
    cache.clear()
    assert _queries(client) == empty
    assert _queries(client) == cached
