"""CONTRACT §6: the OCOP report API's semantics, on SQLite and PostgreSQL alike."""

import datetime

import pytest

from certification import services as certs

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/reports/ocop"


def report(client, as_of, area):
    response = client.get(URL, {"as_of": str(as_of), "area": area})
    assert response.status_code == 200, response.content
    return response.json()


def child(body, area_id):
    return next(c for c in body["children"] if c["id"] == area_id)


def test_the_answer_has_the_contract_shape_with_every_key_present(client, certify):
    certify("pre2025:03331", D(2021, 3, 31), stars=4, group="do-uong", producer_type="dn")
    body = report(client, D(2022, 3, 31), "pre2025:11")
    assert body["as_of"] == "2022-03-31"
    assert body["area"] == {"id": "pre2025:11", "name": "Tỉnh Điện Biên"}
    assert body["products"] == {
        "total": 1,
        "by_stars": {"3": 0, "4": 1, "5": 0},
        "by_group": {
            "thuc-pham": 0,
            "do-uong": 1,
            "duoc-lieu": 0,
            "thu-cong-my-nghe": 0,
            "sinh-vat-canh": 0,
            "du-lich": 0,
        },
        "by_recognition_year": {"2021": 1},
        "by_first_recognition_year": {"2021": 1},
        "potential_5_star": 0,
    }
    assert body["producers"] == {"total": 1, "by_type": {"htx": 0, "dn": 1, "ho": 0, "tht": 0}}
    assert child(body, "pre2025:100") == {
        "id": "pre2025:100",
        "name": "Huyện Điện Biên",
        "products": 1,
        "potential_5_star": 0,
    }


def test_a_certificate_counts_from_its_decision_day_through_its_last_day(client, certify):
    """Civil Code 2015 Art. 147–148: 36 months from 31/03/2021 end at the end of 31/03/2024."""
    certify("pre2025:03331", D(2021, 3, 31))
    totals = {
        day: report(client, day, "pre2025:11")["products"]["total"]
        for day in (D(2021, 3, 30), D(2021, 3, 31), D(2024, 3, 31), D(2024, 4, 1))
    }
    assert totals == {D(2021, 3, 30): 0, D(2021, 3, 31): 1, D(2024, 3, 31): 1, D(2024, 4, 1): 0}


def test_decided_31_december_2021_counts_on_31_december_2024_not_on_1_january_2025(client, certify):
    certify("pre2025:03331", D(2021, 12, 31))
    assert report(client, D(2024, 12, 31), "pre2025:11")["products"]["total"] == 1
    assert report(client, D(2025, 1, 1), "pre2025:11")["products"]["total"] == 0


def test_decided_29_february_counts_through_28_february_36_months_on(client, certify):
    certify("pre2025:03331", D(2020, 2, 29))
    assert report(client, D(2023, 2, 28), "pre2025:11")["products"]["total"] == 1
    assert report(client, D(2023, 3, 1), "pre2025:11")["products"]["total"] == 0


def test_a_re_recognised_product_counts_once_at_its_new_stars_and_decision_year(client, certify):
    first = certify("pre2025:03331", D(2021, 3, 31), stars=3)
    certify("pre2025:03331", D(2023, 6, 1), stars=4, product=first.product, kind="upgrade")
    before = report(client, D(2023, 5, 31), "pre2025:11")["products"]
    after = report(client, D(2023, 6, 1), "pre2025:11")["products"]
    assert (before["total"], before["by_stars"]["3"], before["by_stars"]["4"]) == (1, 1, 0)
    assert (after["total"], after["by_stars"]["3"], after["by_stars"]["4"]) == (1, 0, 1)
    assert after["by_recognition_year"] == {"2023": 1}


def test_a_revoked_certificate_stops_counting_on_the_revocation_day(client, certify, unit):
    cert = certify("pre2025:03331", D(2021, 3, 31))
    decision, _ = certs.get_or_create_decision(
        actor=None,
        number="9/QĐ-TH",
        date=D(2022, 8, 15),
        kind="revocation",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    certs.revoke(actor=None, product=cert.product, decision=decision, reason="Ngừng sản xuất")
    assert report(client, D(2022, 8, 14), "pre2025:11")["products"]["total"] == 1
    assert report(client, D(2022, 8, 15), "pre2025:11")["products"]["total"] == 0


def test_a_product_of_an_old_commune_counts_in_the_new_province_and_commune_through_succession(client, certify):
    certify("pre2025:03331", D(2021, 3, 31))  # Xã Thanh Hưng → Xã Thanh Nưa (2025:03328)
    new_province = report(client, D(2022, 3, 31), "2025:11")
    assert new_province["products"]["total"] == 1
    assert child(new_province, "2025:03328")["products"] == 1
    assert report(client, D(2022, 3, 31), "2025:03328")["products"]["total"] == 1
    old_district = report(client, D(2022, 3, 31), "pre2025:100")
    assert child(old_district, "pre2025:03331")["products"] == 1


def test_a_product_of_a_new_commune_counts_in_the_old_boundaries_through_its_predecessors(client, certify):
    certify("2025:03328", D(2025, 9, 1))  # Xã Thanh Nưa: five old communes, all of Huyện Điện Biên
    assert report(client, D(2025, 9, 1), "pre2025:11")["products"]["total"] == 1
    district = report(client, D(2025, 9, 1), "pre2025:100")
    assert district["products"]["total"] == 1
    # Which of the five old communes is not recorded: counted in the district, in none of its communes.
    assert sum(c["products"] for c in district["children"]) == 0


def test_a_new_commune_formed_across_old_districts_counts_in_the_old_province_but_no_old_district(client, certify):
    certify("2025:03151", D(2025, 9, 1))  # Phường Mường Lay: from Thị xã Mường Lay and Huyện Mường Chà
    province = report(client, D(2025, 9, 1), "pre2025:11")
    assert province["products"]["total"] == 1
    assert sum(c["products"] for c in province["children"]) == 0


def test_where_a_commune_was_split_the_recorded_current_commune_decides(client, certify):
    # Phường Cống Vị (Ba Đình) was split between Phường Ngọc Hà (2025:00008) and Phường Giảng Võ (2025:00025).
    certify("pre2025:00007", D(2024, 1, 10), current="2025:00025")
    unplaced = certify("pre2025:00007", D(2024, 1, 10))
    hanoi = report(client, D(2024, 6, 1), "2025:01")
    assert hanoi["products"]["total"] == 2  # both lie in the new Hà Nội whichever ward
    assert child(hanoi, "2025:00025")["products"] == 1
    assert child(hanoi, "2025:00008")["products"] == 0
    assert report(client, D(2024, 6, 1), "2025:00025")["products"]["total"] == 1
    assert unplaced.product.new_commune_id is None


def test_a_code_reused_by_the_two_schemes_names_two_different_areas(client, certify):
    # Old code 15 was Yên Bái; new code 15 is Lào Cai, formed from Lào Cai (old 10) and Yên Bái.
    lao_cai_commune = "pre2025:02644"
    certify(lao_cai_commune, D(2022, 5, 5))
    assert report(client, D(2023, 1, 1), "pre2025:15")["products"]["total"] == 0
    assert report(client, D(2023, 1, 1), "pre2025:10")["products"]["total"] == 1
    new = report(client, D(2023, 1, 1), "2025:15")
    assert (new["area"]["name"], new["products"]["total"]) == ("Tỉnh Lào Cai", 1)


def test_every_child_is_listed_with_zeros_and_the_children_add_up(client, certify):
    certify("pre2025:03331", D(2021, 3, 31))
    certify("pre2025:03223", D(2021, 3, 31))  # Xã Xín Chải, Huyện Tủa Chùa
    body = report(client, D(2022, 3, 31), "pre2025:11")
    assert len(body["children"]) == 10  # Điện Biên's ten district-level units
    assert [c["id"] for c in body["children"]] == sorted(c["id"] for c in body["children"])
    assert sum(c["products"] for c in body["children"]) == body["products"]["total"] == 2
    assert sum(1 for c in body["children"] if c["products"] == 0) == 8
    assert report(client, D(2022, 3, 31), "pre2025:03331")["children"] == []


def test_producers_count_the_producers_of_the_counted_products_once(client, certify):
    first = certify("pre2025:03331", D(2021, 3, 31), producer_type="ho")
    certify("pre2025:03331", D(2021, 4, 1), producer=first.product.producer)
    certify("pre2025:03331", D(2015, 4, 1), producer_type="tht")  # expired long ago: its producer is not counted
    body = report(client, D(2022, 3, 31), "pre2025:11")
    assert body["products"]["total"] == 2
    assert body["producers"] == {"total": 1, "by_type": {"htx": 0, "dn": 0, "ho": 1, "tht": 0}}


@pytest.mark.parametrize(
    "query, status, says",
    [
        ({"as_of": "31/03/2022", "area": "pre2025:11"}, 400, "YYYY-MM-DD"),
        ({"as_of": "2022-02-30", "area": "pre2025:11"}, 400, "2022-02-30"),
        ({"as_of": "2022-03-31", "area": "tinh-dien-bien"}, 400, "tinh-dien-bien"),
        ({"as_of": "2022-03-31", "area": "2025:100"}, 400, "huyện"),
        ({"as_of": "2022-03-31"}, 400, "area"),
        ({"area": "pre2025:11"}, 400, "as_of"),
        ({"as_of": "", "area": "pre2025:11"}, 400, "YYYY-MM-DD"),
        ({"as_of": "2022-03-31", "area": "pre2025:"}, 400, "pre2025:"),
        ({"as_of": "2022-03-31", "area": "2025:98"}, 404, "2025:98"),
        ({"as_of": "2022-03-31", "area": "pre2025:99999"}, 404, "pre2025:99999"),
    ],
)
def test_bad_requests_say_what_is_wrong(client, query, status, says):
    response = client.get(URL, query)
    assert response.status_code == status
    assert says in response.json()["detail"]


def test_the_report_runs_the_same_number_of_queries_whatever_the_data(client, certify, django_assert_max_num_queries):
    certify("pre2025:03331", D(2021, 3, 31))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        report(client, D(2022, 3, 31), "pre2025:11")
    for i in range(12):
        certify(
            ["pre2025:03331", "pre2025:03223", "pre2025:03346"][i % 3],
            D(2019 + i % 3, 5, 1),
            stars=3 + i % 3,
            group=["thuc-pham", "do-uong", "duoc-lieu"][i % 3],
            producer_type=["htx", "dn", "ho", "tht"][i % 4],
        )
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(small)):
        body = report(client, D(2022, 3, 31), "pre2025:11")
    assert body["products"]["total"] == 13


def test_answers_are_cached_until_the_data_changes(client, certify, django_assert_num_queries):
    cert = certify("pre2025:03331", D(2021, 3, 31))
    assert report(client, D(2022, 3, 31), "2025:11")["products"]["total"] == 1
    with django_assert_num_queries(1):  # the data version: the whole answer is kept (core.pagecache)
        assert report(client, D(2022, 3, 31), "2025:11")["products"]["total"] == 1
    certify("pre2025:03331", D(2021, 5, 5), producer=cert.product.producer)
    assert report(client, D(2022, 3, 31), "2025:11")["products"]["total"] == 2


def test_anonymous_callers_are_rate_limited(client, settings):
    settings.RATE_LIMITS = [("/api/v1/reports/", "2/m")]
    codes = [client.get(URL, {"as_of": "2022-03-31", "area": "pre2025:11"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("url", [URL, "/api/v1/reports/ntm", "/api/v1/criteria", "/api/v1/criteria/26-2026/sheets/1"])
def test_a_wrong_token_on_a_public_endpoint_is_refused(client, url):
    params = {"as_of": "2022-03-31", "area": "pre2025:11", "year": "2024"}
    assert client.get(url, params).status_code == 200  # anonymous: public
    assert client.get(url, params, HTTP_AUTHORIZATION="Bearer ocop_wrong").status_code == 401
