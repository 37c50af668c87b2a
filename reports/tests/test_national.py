"""CONTRACT §4 (issue "national scale"): `vn` is the whole country in the OCOP report, its figures the sum of its
provinces' on either scheme and either side of 01/07/2025, for a nationwide reader only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import AdministrativeUnit

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/reports/ocop"
BEFORE, AFTER = D(2025, 6, 30), D(2025, 7, 1)


def ask(client, as_of, area, status=200):
    response = client.get(URL, {"as_of": str(as_of), "area": area})
    assert response.status_code == status, response.content
    return response.json()


def first_commune(province_code):
    return str(
        AdministrativeUnit.objects.filter(scheme="pre2025", level="commune", province__code=province_code)
        .order_by("code")
        .first()
        .area_id
    )


@pytest.fixture
def spread(certify):
    """Products in three old provinces (Điện Biên, Lai Châu, Sơn La), of several stars, groups and producer types,
    one recognised after the reform."""
    communes = [first_commune(code) for code in ("11", "12", "14")]
    certify(communes[0], D(2023, 1, 5), stars=3)
    certify(communes[0], D(2023, 5, 2), stars=4, group="do-uong", producer_type="dn")
    certify(communes[1], D(2023, 1, 9), stars=3, producer_type="ho")
    certify(communes[2], D(2024, 8, 1), stars=5, group="duoc-lieu")
    certify(communes[2], D(2025, 7, 1), stars=4, producer_type="tht")
    return communes


@pytest.fixture
def national(client, system_admin):
    client.force_login(system_admin)
    return client


def summed(client, day, children):
    """The provinces' own reports, added up key by key."""
    total = {"total": 0, "producers": 0, "by_stars": {}, "by_group": {}, "by_type": {}, "by_year": {}}
    for child in children:
        body = ask(client, day, child["id"])
        assert body["products"]["total"] == child["products"]
        assert body["products"]["potential_5_star"] == child["potential_5_star"]
        total["total"] += body["products"]["total"]
        total["producers"] += body["producers"]["total"]
        for key, source in (
            ("by_stars", body["products"]["by_stars"]),
            ("by_group", body["products"]["by_group"]),
            ("by_type", body["producers"]["by_type"]),
            ("by_year", body["products"]["by_recognition_year"]),
        ):
            for k, n in source.items():
                total[key][k] = total[key].get(k, 0) + n
    return total


@pytest.mark.parametrize(
    ("day", "area", "scheme", "provinces"),
    [
        (BEFORE, "vn", "pre2025", 63),
        (AFTER, "vn", "2025", 34),
        (BEFORE, "vn@2025", "2025", 34),
        (AFTER, "vn@pre2025", "pre2025", 63),
        (D(2026, 1, 1), "vn@pre2025", "pre2025", 63),
    ],
)
def test_the_country_is_the_sum_of_its_provinces(national, spread, day, area, scheme, provinces):
    body = ask(national, day, area)
    assert body["area"]["id"] == area
    assert len(body["children"]) == provinces
    assert {c["id"].partition(":")[0] for c in body["children"]} == {scheme}
    expected = summed(national, day, body["children"])
    products, producers = body["products"], body["producers"]
    assert products["total"] == expected["total"] == sum(c["products"] for c in body["children"])
    assert products["total"] == (4 if day < AFTER else 5)
    assert producers["total"] == expected["producers"]  # one producer per product here
    assert products["by_stars"] == expected["by_stars"]
    assert products["by_group"] == expected["by_group"]
    assert producers["by_type"] == expected["by_type"]
    assert {k: v for k, v in products["by_recognition_year"].items() if v} == {
        k: v for k, v in expected["by_year"].items() if v
    }


def test_vn_takes_the_scheme_of_the_day(national, spread):
    before, after = ask(national, BEFORE, "vn"), ask(national, AFTER, "vn")
    assert before["children"][0]["id"] == "pre2025:01" and after["children"][0]["id"] == "2025:01"
    assert before["area"]["name"] == after["area"]["name"] == "Toàn quốc"
    # the explicit scheme gives the same figures as the implicit one on a day of that scheme
    explicit = ask(national, AFTER, "vn@2025")
    assert explicit["products"] == after["products"] and explicit["children"] == after["children"]


@pytest.mark.parametrize("who", [None, "province_officer", "commune_officer"])
def test_only_a_nationwide_reader_may_ask_for_the_country(client, spread, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    unknown = ask(client, AFTER, "2025:99", status=404)
    refused = ask(client, AFTER, "vn", status=404)
    assert set(refused) == set(unknown) == {"detail"}
    ask(client, AFTER, "vn@pre2025", status=404)


@pytest.mark.parametrize("area", ["vn@", "vn@2024", "vn:11", "vn@2025:11"])
def test_a_malformed_country_id_is_a_400(national, area):
    assert "detail" in ask(national, AFTER, area, status=400)


def test_the_country_runs_as_many_queries_whatever_the_records(national, certify, django_assert_num_queries):
    from django.core.cache import cache

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            ask(national, AFTER, "vn")
        return len(captured)

    certify(first_commune("11"), D(2021, 3, 31))
    few = queries()
    for code in ("12", "14", "15", "17"):
        certify(first_commune(code), D(2022, 3, 31), stars=4)
    assert queries() == few
    # cached: the session, the user, the reader's memberships (nationwide?), the data version
    with django_assert_num_queries(4):
        ask(national, AFTER, "vn")


def test_a_write_through_a_service_changes_the_country_at_once(national, spread, certify):
    assert ask(national, AFTER, "vn")["products"]["total"] == 5
    certify(spread[1], D(2025, 3, 3), stars=5)
    assert ask(national, AFTER, "vn")["products"]["total"] == 6


def test_the_dashboard_offers_the_country_to_a_nationwide_reader_only(client, system_admin, province_officer, spread):
    client.force_login(system_admin)
    page = client.get("/reports/ocop/", {"as_of": "2025-07-01"})
    assert page.status_code == 200
    assert b'value="vn"' in page.content
    page = client.get("/reports/ocop/", {"as_of": "2025-07-01", "area": "vn"})
    assert page.status_code == 200
    assert page.context["board"].total == 5
    assert len(page.context["board"].figures["children"]) == 34
    assert "Toàn quốc" in page.content.decode()
    assert "trên phạm vi cả nước có 5 sản phẩm OCOP" in page.context["board"].narrative()
    records = client.get("/reports/ocop/records/", {"as_of": "2025-07-01", "area": "vn", "child": "2025:14"})
    assert records.status_code == 200
    assert records.context["page"].paginator.count == 2  # the two products of old Sơn La, now in new Sơn La
    assert client.get("/reports/ocop/export.xlsx", {"as_of": "2025-07-01", "area": "vn"}).status_code == 200
    client.force_login(province_officer)
    page = client.get("/reports/ocop/", {"as_of": "2025-07-01"})
    assert b'value="vn"' not in page.content
    assert client.get("/reports/ocop/", {"as_of": "2025-07-01", "area": "vn"}).status_code == 400
