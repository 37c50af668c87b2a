"""CONTRACT §4/§7 (issue "national scale"): `vn` in the NTM report, the sum of its provinces, for a nationwide reader;
the report cached until the data changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ntm.imports import import_ntm
from ntm.reporting import narrative, report_for
from ntm.tests.helpers import dien_bien_2021_rows, write_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/ntm"
FIGURES = ("communes", "assessed", "recognized", "basically_meeting")


@pytest.fixture
def dien_bien_2021(tmp_path):
    import_ntm(write_csv(tmp_path / "ntm.csv", dien_bien_2021_rows()), filename="ntm.csv")


def ask(client, year, area, status=200):
    response = client.get(URL, {"year": year, "area": area})
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.parametrize(
    ("year", "area", "scheme", "provinces"),
    [
        (2021, "vn", "pre2025", 63),
        (2024, "vn@2025", "2025", 34),
        (2025, "vn", "2025", 34),
        (2025, "vn@2025", "2025", 34),
    ],
)
def test_the_country_is_the_sum_of_its_provinces(client, system_admin, dien_bien_2021, year, area, scheme, provinces):
    client.force_login(system_admin)
    body = ask(client, year, area)
    assert body["area"]["id"] == area
    assert len(body["children"]) == provinces
    assert {c["id"].partition(":")[0] for c in body["children"]} == {scheme}
    assert body["communes"] > 2000  # every rural commune of the year's scheme (7,717 in 2021, 2,621 from 2025)
    for key in FIGURES:
        total = body[key] if key != "recognized" else body["recognized_cumulative"]["dat-chuan"]
        assert total == sum(c[key] for c in body["children"]), key
    for child in body["children"]:
        if child["communes"] and (child["assessed"] or child["recognized"] or child["id"] in ("pre2025:11", "2025:11")):
            own = ask(client, year, child["id"])
            assert own["communes"] == child["communes"]
            assert own["assessed"] == child["assessed"]
            assert own["recognized_cumulative"]["dat-chuan"] == child["recognized"]
            assert own["basically_meeting"] == child["basically_meeting"]
            assert own["average_criteria"] == child["average_criteria"]


def test_the_country_of_2021_holds_dien_bien(client, system_admin, dien_bien_2021):
    client.force_login(system_admin)
    body = ask(client, 2021, "vn")
    assert body["assessed"] == 21
    assert body["recognized"] == {"dat-chuan": 12, "nang-cao": 1, "kieu-mau": 0}
    assert body["basically_meeting"] == 4
    assert body["average_criteria"] == 17.05
    assert body["by_criterion"]["tc10"] == 18
    assert body["through_successions"] is False
    dien_bien = next(c for c in body["children"] if c["id"] == "pre2025:11")
    assert dien_bien["assessed"] == 21
    assert narrative(body).startswith("Năm 2021, cả nước có ")  # as official reports write it, not "Toàn quốc có"


def test_the_old_scheme_after_the_reform_goes_through_successions(client, system_admin, dien_bien_2021):
    client.force_login(system_admin)
    body = ask(client, 2025, "vn@pre2025")
    assert body["through_successions"] is True
    assert len(body["children"]) == 63
    dien_bien = next(c for c in body["children"] if c["id"] == "pre2025:11")
    own = ask(client, 2025, "pre2025:11")
    assert own["through_successions"] is True
    assert (dien_bien["communes"], dien_bien["recognized"]) == (
        own["communes"],
        own["recognized_cumulative"]["dat-chuan"],
    )
    assert dien_bien["recognized"] > 0  # the 2021 recognitions, inherited by the new communes


@pytest.mark.parametrize("who", [None, "province_officer", "commune_officer"])
def test_only_a_nationwide_reader_may_ask_for_the_country(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert set(ask(client, 2021, "vn", status=404)) == set(ask(client, 2021, "pre2025:99", status=404))
    assert ask(client, 2021, "vn@xx", status=400)["detail"]


def test_the_report_is_cached_until_the_data_changes(client, tmp_path, django_assert_num_queries):
    first = ask(client, 2021, "pre2025:100")
    assert first["assessed"] == 0
    with django_assert_num_queries(1):  # the data version: the whole answer is kept (core.pagecache)
        assert ask(client, 2021, "pre2025:100") == first
    import_ntm(write_csv(tmp_path / "ntm.csv", dien_bien_2021_rows()), filename="ntm.csv")  # audited, in bulk
    assert ask(client, 2021, "pre2025:100")["assessed"] == 21


def test_the_country_runs_a_constant_number_of_queries(system_admin, tmp_path):
    def count():
        cache.clear()
        system_admin.__dict__.pop("_area_scope_cache", None)  # each request starts without it
        with CaptureQueriesContext(connection) as captured:
            report_for(2021, "vn", user=system_admin)
        return len(captured)

    empty = count()
    import_ntm(write_csv(tmp_path / "ntm.csv", dien_bien_2021_rows()), filename="ntm.csv")
    assert count() == empty
