"""Village pages: list (scoped, constant queries), create/edit/move/close/merge/split, detail with history, the
commune page and dashboard counts, and the demo's seed figures."""

import datetime

import pytest

from ntm import services, village_services
from ntm.models import Village
from ntm.queries import ntm_report
from ntm.reporting import narrative

pytestmark = pytest.mark.django_db
D = datetime.date
OLD_THANH_NUA = "pre2025:03322"


def _make(unit, n, area_id=OLD_THANH_NUA):
    return [village_services.create_village(actor=None, commune=unit(area_id), name=f"Số {i}") for i in range(n)]


def test_list_is_scoped_and_runs_a_constant_number_of_queries(
    client, unit, province_officer, other_province_officer, django_assert_max_num_queries
):
    _make(unit, 1)
    client.force_login(province_officer)
    with django_assert_max_num_queries(20) as one:
        response = client.get("/ntm/villages/", {"area": "pre2025:100"})
    assert response.status_code == 200 and "Số 0" in response.content.decode()
    _make(unit, 30, "pre2025:03340")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/ntm/villages/", {"area": "pre2025:100"})
    assert "Số 29" in response.content.decode()
    client.force_login(other_province_officer)
    response = client.get("/ntm/villages/")
    assert response.status_code == 200 and "Số 0" not in response.content.decode()


def test_create_edit_move_close_through_the_pages(client, unit, province_officer):
    client.force_login(province_officer)
    response = client.post(
        "/ntm/villages/new/", {"commune": "2025:03328", "name": "Bản Mới", "kind": "ban-lang", "code": "", "note": ""}
    )
    village = Village.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ntm/villages/{village.pk}/"
    # a duplicate is shown on the form, on its field, and nothing is written
    response = client.post("/ntm/villages/new/", {"commune": "2025:03328", "name": "bản mới", "kind": "ban-lang"})
    assert response.status_code == 200 and "đã có thôn, bản tên" in response.content.decode()
    assert Village.objects.count() == 1
    response = client.post(f"/ntm/villages/{village.pk}/edit/", {"name": "Bản Mới Sửa", "kind": "ban-lang"})
    assert response.status_code == 302
    response = client.post(
        f"/ntm/villages/{village.pk}/move/", {"commune": "2025:03349", "valid_from": "2026-01-01", "decision": "1/QĐ"}
    )
    assert response.status_code == 302
    response = client.post(f"/ntm/villages/{village.pk}/close/", {"valid_to": "2025-01-01", "reason": "x"})
    assert response.status_code == 200  # before its placement: refused on the form
    village.refresh_from_db()
    assert village.valid_to is None and village.name == "Mới Sửa" or village.name == "Bản Mới Sửa"
    response = client.get(f"/ntm/villages/{village.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and "Xã Thanh Yên" in body and "Xã Thanh Nưa" in body


def test_merge_and_split_pages(client, unit, province_officer):
    a, b, c = _make(unit, 3)
    client.force_login(province_officer)
    response = client.post(
        f"/ntm/villages/{a.pk}/merge/",
        {"others": [b.pk], "day": "2022-01-01", "decision": "3/QĐ", "name": "", "kind": ""},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.valid_to == D(2021, 12, 31)
    response = client.post(
        f"/ntm/villages/{c.pk}/split/", {"names": "C1\nC2", "kind": "thon", "day": "2022-01-01", "decision": "4/QĐ"}
    )
    assert response.status_code == 302
    assert set(Village.objects.filter(valid_to__isnull=True).values_list("name", flat=True)) == {"Số 0", "C1", "C2"}
    body = client.get(f"/ntm/villages/{a.pk}/").content.decode()
    assert "Số 1" in body  # the merged predecessor is in the history


def test_permissions_on_pages(client, unit, commune_officer, other_province_officer, producer):
    own = village_services.create_village(actor=None, commune=unit("2025:03328"), name="Của Xã")
    client.force_login(commune_officer)
    assert client.get(f"/ntm/villages/{own.pk}/").status_code == 200
    assert client.get(f"/ntm/villages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/ntm/villages/{own.pk}/move/").status_code == 403
    assert client.get("/ntm/villages/new/").status_code == 200
    client.force_login(other_province_officer)
    assert client.get(f"/ntm/villages/{own.pk}/").status_code == 404
    assert client.get(f"/ntm/villages/{own.pk}/move/").status_code == 404
    client.force_login(producer)
    assert client.get("/ntm/villages/").status_code == 403


def test_commune_page_and_dashboard_show_village_counts(client, unit, province_officer):
    village = village_services.create_village(actor=None, commune=unit(OLD_THANH_NUA), name="Na Hai", kind="ban-lang")
    services.record_recognition(
        actor=None, commune=unit(OLD_THANH_NUA), level="thon-ntm", village=village, decision_date=D(2021, 3, 1)
    )
    client.force_login(province_officer)
    body = client.get(f"/ntm/commune/{OLD_THANH_NUA}/", {"year": 2021}).content.decode()
    assert 'data-testid="commune-villages"' in body and "1 thôn, bản trong danh mục" in body
    body = client.get("/ntm/", {"year": 2021, "area": "pre2025:100"}).content.decode()
    assert 'data-testid="village-figures"' in body
    response = client.get("/ntm/export.xlsx", {"year": 2021, "area": "pre2025:100"})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "Thôn, bản nông thôn mới được công nhận trong năm" in labels


def test_demo_reproduces_the_seed_figures(unit):
    from ntm.demo import load_demo_villages

    load_demo_villages()
    report = ntm_report(2021, "pre2025:100")
    assert report["villages"]["recognized"] == {"thon-ntm": 15, "thon-kieu-mau": 28}
    assert report["villages"]["recognized_cumulative"] == {"thon-ntm": 24, "thon-kieu-mau": 38}
    text = narrative(report)
    assert (
        "có thêm 28 thôn, bản nông thôn mới kiểu mẫu và 15 thôn, bản nông thôn mới, nâng tổng số thôn, bản nông thôn "
        "mới kiểu mẫu lên 38 thôn, bản và thôn, bản nông thôn mới lên 24 thôn, bản"
    ) in text
    muong_cha = ntm_report(2021, "pre2025:097")["villages"]
    assert muong_cha["recognized"]["thon-ntm"] == 2
    names = set(
        Village.objects.filter(recognitions__effective_date__year=2021, kind="ban-lang").values_list("name", flat=True)
    )
    assert names == {"Phiêng Đất B", "Mường Anh 1"}
    # placed in the 2025 communes: the same figures from the new province for 2025 (cumulative)
    assert ntm_report(2025, "pre2025:100")["villages"]["recognized_cumulative"] == {"thon-ntm": 24, "thon-kieu-mau": 38}
    before = Village.objects.count()
    load_demo_villages()  # idempotent
    assert Village.objects.count() == before


def test_recognition_form_offers_the_communes_registry_villages(client, unit, province_officer):
    village = village_services.create_village(actor=None, commune=unit("2025:03328"), name="Chọn Được", kind="ban-lang")
    client.force_login(province_officer)
    body = client.get("/ntm/commune/2025:03328/").content.decode()
    assert f'value="{village.pk}"' in body
    response = client.post(
        "/ntm/commune/2025:03328/recognitions/",
        {
            "level": "thon-ntm",
            "village_ref": village.pk,
            "village": "",
            "decision_no": "9/QĐ",
            "decision_date": "2026-01-05",
        },
    )
    assert response.status_code == 302
    recognition = village.recognitions.get()
    assert recognition.village == "Chọn Được" and recognition.commune == unit("2025:03328")
    # a village of another commune is not a valid choice: nothing is written
    other = village_services.create_village(actor=None, commune=unit("2025:03349"), name="Xã Khác")
    client.post(
        "/ntm/commune/2025:03328/recognitions/",
        {"level": "thon-ntm", "village_ref": other.pk, "decision_no": "10/QĐ", "decision_date": "2026-01-05"},
    )
    assert not other.recognitions.exists()
