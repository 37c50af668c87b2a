"""Yearly village assessments (issue 18): the sets that apply, the life (draft → submitted → approved, returned and
unlocked with a reason, refused in a closed year), permissions by role and area, a village moved by the 2025 merger,
the report's `assessed` figure, the pages, the API and constant queries on the lists.

The village sets here are test data made with the ORM ("Tiêu chí thử 1"…): no official village set text is shipped.
"""

import datetime

import pytest

from areas.choices import REFORM_DATE
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from notifications.models import Notification
from ntm import services, village_services
from ntm import village_assessment_services as va
from ntm.models import CriteriaSet, Criterion, VillageAssessment
from ntm.queries import ntm_report
from ntm.village_queries import village_figures

pytestmark = pytest.mark.django_db

OLD_THANH_NUA = "pre2025:03322"  # merged into 2025:03328 Xã Thanh Nưa on 01/07/2025
NEW_THANH_NUA = "2025:03328"
NEW_THANH_YEN = "2025:03349"
D = datetime.date


def _set(unit, code="thon-db", level="dat-chuan", province="2025:11", n=3, **kwargs):
    values = {
        "title": f"Bộ tiêu chí thôn thử {code}",
        "kind": "village",
        "level": level,
        "issuer": "province" if province else "national",
        "province": unit(province) if province else None,
        "valid_from": D(2020, 1, 1),
        **kwargs,
    }
    criteria_set = CriteriaSet.objects.create(code=code, **values)
    for i in range(1, n + 1):
        Criterion.objects.create(criteria_set=criteria_set, code=str(i), number=i, name=f"Tiêu chí thử {i}")
    return criteria_set


def _village(unit, area_id=NEW_THANH_NUA, name="Co Muông"):
    return village_services.create_village(actor=None, commune=unit(area_id), name=name)


def _actions(assessment):
    return list(
        AuditEntry.objects.filter(object_id=str(assessment.pk), action__startswith="ntm.village_assessment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# ---- the sets that apply ------------------------------------------------------------------------------------------


def test_without_a_village_set_the_start_says_so_plainly_and_writes_nothing(unit, commune_officer):
    village = _village(unit)
    _set(unit, code="thon-sl", province="2025:14")  # Sơn La's set is not Điện Biên's
    with pytest.raises(DomainError) as refused:
        va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    assert "Chưa có bộ tiêu chí thôn, bản áp dụng cho năm 2026" in refused.value.message
    assert "import_ntm_criteria" in refused.value.message
    assert not VillageAssessment.objects.exists()


def test_the_sets_of_the_year_and_province_apply_and_several_need_a_choice(unit, commune_officer):
    village = _village(unit)
    basic = _set(unit, code="thon-db")
    model = _set(unit, code="thon-km-db", level="kieu-mau", province="pre2025:11")  # the province's old row
    _set(unit, code="thon-cu", valid_until=D(2025, 1, 1))  # no longer in force on 31/12/2026
    _set(unit, code="thon-sl", province="2025:14")
    assert {s.code for s in va.village_sets_for(village, 2026)} == {basic.code, model.code}
    with pytest.raises(DomainError, match="chọn một bộ"):
        va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    sonla = CriteriaSet.objects.get(code="thon-sl")
    with pytest.raises(DomainError, match="không áp dụng"):
        va.start_village_assessment(actor=commune_officer, village=village, year=2026, criteria_set=sonla)
    first, created = va.start_village_assessment(actor=commune_officer, village=village, year=2026, criteria_set=basic)
    assert created and first.commune == unit(NEW_THANH_NUA) and first.results.count() == 3
    again, created = va.start_village_assessment(actor=commune_officer, village=village, year=2026, criteria_set=basic)
    assert again == first and not created  # one per village, year and set
    other, created = va.start_village_assessment(actor=commune_officer, village=village, year=2026, criteria_set=model)
    assert created and other != first
    # a year the village did not exist in (it was created in the new commune, from 01/07/2025)
    with pytest.raises(DomainError, match="không có trong danh mục"):
        va.start_village_assessment(actor=commune_officer, village=village, year=2024, criteria_set=basic)


# ---- the life -----------------------------------------------------------------------------------------------------


def test_full_life_draft_submit_return_approve_lock_unlock(unit, commune_officer, province_officer):
    village = _village(unit)
    _set(unit)
    assessment, _created = va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    version = assessment.version
    assessment = va.save_village_assessment(
        actor=commune_officer,
        assessment=assessment,
        results={"1": (True, "Biên bản họp thôn"), "2": (True, ""), "3": (False, "")},
        note="Tự đánh giá",
        expected_version=version,
    )
    assert assessment.criteria_met == 2 and assessment.version == version + 1
    # a save from the page read before is refused, nothing changed
    with pytest.raises(DomainError):
        va.save_village_assessment(
            actor=commune_officer, assessment=assessment, results={"3": (True, "")}, expected_version=version
        )
    assessment.refresh_from_db()
    assert assessment.criteria_met == 2
    # unknown criterion: refused, nothing changed
    with pytest.raises(DomainError, match="không thuộc bộ tiêu chí"):
        va.save_village_assessment(actor=commune_officer, assessment=assessment, results={"99": (True, "")})

    va.submit_village_assessment(actor=commune_officer, assessment=assessment)
    told = Notification.objects.filter(user=province_officer, kind="ntm.village_assessment.submitted")
    assert told.count() == 1 and "Co Muông" in told.get().title
    with pytest.raises(DomainError, match="đã gửi tỉnh"):
        va.save_village_assessment(actor=commune_officer, assessment=assessment, results={"3": (True, "")})
    with pytest.raises(DomainError, match="lý do"):
        va.return_village_assessment(actor=province_officer, assessment=assessment, reason="  ")
    va.return_village_assessment(actor=province_officer, assessment=assessment, reason="Thiếu minh chứng tiêu chí 2")
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    returned = Notification.objects.get(user=commune_officer, kind="ntm.village_assessment.returned")
    assert "Thiếu minh chứng tiêu chí 2" in returned.body

    va.save_village_assessment(actor=commune_officer, assessment=assessment, results={"2": (True, "Ảnh")})
    va.submit_village_assessment(actor=commune_officer, assessment=assessment)
    va.approve_village_assessment(actor=province_officer, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.is_locked and assessment.approved_by == province_officer
    with pytest.raises(DomainError) as locked:
        va.save_village_assessment(actor=commune_officer, assessment=assessment, results={"3": (True, "")})
    assert locked.value.code == "locked" and "Đã khóa" in locked.value.message
    with pytest.raises(DomainError, match="Không thể duyệt"):
        va.approve_village_assessment(actor=province_officer, assessment=assessment)
    with pytest.raises(DomainError, match="lý do mở khóa"):
        va.unapprove_village_assessment(actor=province_officer, assessment=assessment, reason="")
    va.unapprove_village_assessment(actor=province_officer, assessment=assessment, reason="Sửa tiêu chí 3")
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.approved_by is None
    assert _actions(assessment) == [
        "ntm.village_assessment.created",
        "ntm.village_assessment.saved",
        "ntm.village_assessment.submitted",
        "ntm.village_assessment.returned",
        "ntm.village_assessment.saved",
        "ntm.village_assessment.submitted",
        "ntm.village_assessment.approved",
        "ntm.village_assessment.reopened",
    ]
    reopened = AuditEntry.objects.get(object_id=str(assessment.pk), action="ntm.village_assessment.reopened")
    assert reopened.after["reason"] == "Sửa tiêu chí 3" and reopened.area_id == unit(NEW_THANH_NUA).pk


def test_a_closed_period_refuses_every_step(unit, commune_officer, province_officer):
    _set(unit)
    assessment, _created = va.start_village_assessment(actor=commune_officer, village=_village(unit), year=2026)
    va.submit_village_assessment(actor=commune_officer, assessment=assessment)
    draft, _created = va.start_village_assessment(actor=commune_officer, village=_village(unit, name="B"), year=2026)
    services.close_period(actor=province_officer, province=unit("2025:11"), year=2026)
    steps = [
        lambda: va.approve_village_assessment(actor=province_officer, assessment=assessment),
        lambda: va.return_village_assessment(actor=province_officer, assessment=assessment, reason="x"),
        lambda: va.submit_village_assessment(actor=commune_officer, assessment=draft),
        lambda: va.save_village_assessment(actor=commune_officer, assessment=draft, results={"1": (True, "")}),
    ]
    for step in steps:
        with pytest.raises(DomainError) as refused:
            step()
        assert "Kỳ báo cáo năm 2026 của Tỉnh Điện Biên" in refused.value.message
    with pytest.raises(DomainError, match="đã khóa"):
        va.start_village_assessment(actor=commune_officer, village=_village(unit, name="C"), year=2026)
    assessment.refresh_from_db()
    draft.refresh_from_db()
    assert assessment.status == "submitted" and draft.status == "draft" and draft.criteria_met == 0
    assert VillageAssessment.objects.count() == 2
    assert "Kỳ báo cáo năm 2026" in va.lock_reason(draft)


def test_other_commune_and_other_province_are_refused(
    unit, commune_officer, other_commune_officer, province_officer, other_province_officer
):
    village = _village(unit)
    _set(unit)
    for actor in (other_commune_officer, other_province_officer, province_officer):  # the province does not enter
        with pytest.raises(PermissionRefused):
            va.start_village_assessment(actor=actor, village=village, year=2026)
    assessment, _created = va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    for actor in (other_commune_officer, other_province_officer):
        with pytest.raises(PermissionRefused):
            va.save_village_assessment(actor=actor, assessment=assessment, results={"1": (True, "")})
        with pytest.raises(PermissionRefused):
            va.submit_village_assessment(actor=actor, assessment=assessment)
    va.submit_village_assessment(actor=commune_officer, assessment=assessment)
    for actor in (other_province_officer, commune_officer):
        with pytest.raises(PermissionRefused):
            va.approve_village_assessment(actor=actor, assessment=assessment)
        with pytest.raises(PermissionRefused):
            va.return_village_assessment(actor=actor, assessment=assessment, reason="x")
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.criteria_met == 0
    assert not VillageAssessment.objects.for_user(other_province_officer, "ntm.view").exists()
    assert not VillageAssessment.objects.for_user(other_commune_officer, "ntm.view").exists()
    assert VillageAssessment.objects.for_user(province_officer, "ntm.view").count() == 1


# ---- the 2025 merger and the report's figure --------------------------------------------------------------------


def _approved(actor, approver, village, year):
    assessment, _created = va.start_village_assessment(actor=actor, village=village, year=year)
    va.submit_village_assessment(actor=actor, assessment=assessment)
    return va.approve_village_assessment(actor=approver, assessment=assessment)


def test_a_village_moved_by_the_merger_is_assessed_and_counted_in_each_year_and_scheme(
    unit, commune_officer, province_officer
):
    village = _village(unit, OLD_THANH_NUA)
    _village(unit, OLD_THANH_NUA, "Bản Chưa Đánh Giá")
    _set(unit)  # recorded on the 2025 row of Tỉnh Điện Biên: applies to the old commune's 2024 too
    # the new commune's officer reaches the old commune (its predecessor) for the 2024 form
    a2024 = _approved(commune_officer, province_officer, village, 2024)
    assert a2024.commune == unit(OLD_THANH_NUA)
    village_services.place_villages_after_merger(actor=None, day=REFORM_DATE)
    a2025 = _approved(commune_officer, province_officer, village, 2025)
    assert a2025.commune == unit(NEW_THANH_NUA)
    a2024.refresh_from_db()
    assert a2024.commune == unit(OLD_THANH_NUA)  # fixed when created: a later move does not move an old year

    def assessed(year, area_id):
        return village_figures(year, unit(area_id))["assessed"]

    # 2024: under the old commune and district (pre-2025 scheme), under the new commune (2025 scheme)
    assert assessed(2024, OLD_THANH_NUA) == 1
    assert assessed(2024, "pre2025:100") == 1
    assert assessed(2024, NEW_THANH_NUA) == 1
    assert assessed(2024, "2025:11") == 1
    assert assessed(2024, NEW_THANH_YEN) == 0
    assert assessed(2024, "2025:14") == 0
    # 2025: under the new commune, and reached from the old one through the succession
    assert assessed(2025, NEW_THANH_NUA) == 1
    assert assessed(2025, OLD_THANH_NUA) == 1
    assert assessed(2026, NEW_THANH_NUA) == 0
    assert village_figures(2025, unit(NEW_THANH_NUA))["total"] == 2
    assert ntm_report(2024, "pre2025:100")["villages"]["assessed"] == 1


def test_only_approved_assessments_are_counted_each_village_once(unit, commune_officer, province_officer):
    a, b, c = (_village(unit, name=n) for n in ("A", "B", "C"))
    _set(unit)
    _set(unit, code="thon-km", level="kieu-mau")
    basic, model = CriteriaSet.objects.get(code="thon-db"), CriteriaSet.objects.get(code="thon-km")
    for criteria_set in (basic, model):  # A approved against both sets: one village
        assessment, _c = va.start_village_assessment(
            actor=commune_officer, village=a, year=2026, criteria_set=criteria_set
        )
        va.submit_village_assessment(actor=commune_officer, assessment=assessment)
        va.approve_village_assessment(actor=province_officer, assessment=assessment)
    submitted, _c = va.start_village_assessment(actor=commune_officer, village=b, year=2026, criteria_set=basic)
    va.submit_village_assessment(actor=commune_officer, assessment=submitted)
    va.start_village_assessment(actor=commune_officer, village=c, year=2026, criteria_set=basic)
    figures = village_figures(2026, unit("2025:11"))
    assert figures["total"] == 3 and figures["assessed"] == 1


def test_the_figures_stay_one_query(unit, commune_officer, province_officer, django_assert_num_queries):
    _set(unit)
    _approved(commune_officer, province_officer, _village(unit), 2026)
    province = unit("2025:11")
    with django_assert_num_queries(1):
        assert village_figures(2026, province)["assessed"] == 1


# ---- pages --------------------------------------------------------------------------------------------------------


def test_village_page_shows_assessments_and_the_missing_set_plainly(client, unit, commune_officer):
    village = _village(unit)
    client.force_login(commune_officer)
    body = client.get(f"/ntm/villages/{village.pk}/").content.decode()
    assert "Chưa có bộ tiêu chí thôn, bản áp dụng cho năm" in body and "import_ntm_criteria" in body
    response = client.post(f"/ntm/villages/{village.pk}/assess/", {"year": 2026})
    assert response.status_code == 302 and not VillageAssessment.objects.exists()
    _set(unit)
    response = client.post(f"/ntm/villages/{village.pk}/assess/", {"year": 2026})
    assessment = VillageAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ntm/village-assessments/{assessment.pk}/"
    body = client.get(f"/ntm/villages/{village.pk}/").content.decode()
    assert f"/ntm/village-assessments/{assessment.pk}/" in body and 'data-testid="no-village-set"' not in body


def test_the_form_page_saves_submits_and_the_province_approves(client, unit, commune_officer, province_officer):
    village = _village(unit)
    _set(unit, n=2)
    assessment, _c = va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    url = f"/ntm/village-assessments/{assessment.pk}/"
    client.force_login(commune_officer)
    body = client.get(url).content.decode()
    assert "Tiêu chí thử 1" in body and "Lưu và gửi tỉnh" in body
    response = client.post(
        url, {"version": assessment.version, "met_1": "on", "evidence_1": "Biên bản", "evidence_2": "", "note": ""}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.criteria_met == 1
    # an evidence longer than the limit: shown on the form, nothing written
    response = client.post(url, {"version": assessment.version, "met_2": "on", "evidence_2": "x" * 2001})
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.criteria_met == 1
    response = client.post(url, {"version": assessment.version, "met_1": "on", "evidence_1": "Biên bản", "submit": "1"})
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.status == "submitted"
    # the commune officer cannot approve
    assert client.post(f"{url}approve/").status_code == 403
    client.force_login(province_officer)
    listing = client.get("/ntm/village-assessments/", {"status": "submitted"}).content.decode()
    assert "Co Muông" in listing and "phiếu chờ duyệt" in listing
    response = client.post(f"{url}return/", {"reason": ""})
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.status == "submitted"  # no reason: refused, unchanged
    client.post(f"{url}approve/")
    assessment.refresh_from_db()
    assert assessment.status == "approved"
    body = client.get(url).content.decode()
    assert "Đã khóa" in body and "Mở khóa" in body
    client.force_login(commune_officer)
    response = client.post(url, {"version": assessment.version, "met_2": "on"})
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.criteria_met == 1  # locked: refused with the reason


def test_other_province_cannot_open_the_form(client, unit, commune_officer, other_province_officer):
    _set(unit)
    assessment, _c = va.start_village_assessment(actor=commune_officer, village=_village(unit), year=2026)
    client.force_login(other_province_officer)
    assert client.get(f"/ntm/village-assessments/{assessment.pk}/").status_code == 404
    assert client.post(f"/ntm/village-assessments/{assessment.pk}/approve/").status_code == 404
    assert "Co Muông" not in client.get("/ntm/village-assessments/").content.decode()


def test_list_runs_a_constant_number_of_queries(
    client, unit, commune_officer, province_officer, django_assert_max_num_queries
):
    _set(unit)
    villages = [_village(unit, name=f"Thôn {i}") for i in range(12)]
    va.start_village_assessment(actor=commune_officer, village=villages[0], year=2026)
    client.force_login(province_officer)
    params = {"area": "pre2025:100", "year": 2026}
    with django_assert_max_num_queries(30) as one:
        response = client.get("/ntm/village-assessments/", params)
    assert response.status_code == 200 and "Thôn 0" in response.content.decode()
    for village in villages[1:]:
        va.start_village_assessment(actor=commune_officer, village=village, year=2026)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/ntm/village-assessments/", params)
    assert "Thôn 11" in response.content.decode()
    # a 2025-scheme area reaches the same assessments; Sơn La none
    assert "Thôn 11" in client.get("/ntm/village-assessments/", {"area": "2025:11"}).content.decode()
    sonla = client.get("/ntm/village-assessments/", {"area": "2025:14", "year": 2026}).content.decode()
    assert "Thôn 11" not in sonla and 'data-testid="no-village-set"' in sonla  # Sơn La has no village set
    assert 'data-testid="no-village-set"' not in response.content.decode()


# ---- API ----------------------------------------------------------------------------------------------------------


def test_api_lists_the_year_in_scope_with_bounded_params(
    client, unit, commune_officer, province_officer, other_province_officer, django_assert_max_num_queries
):
    _set(unit)
    first, _c = va.start_village_assessment(actor=commune_officer, village=_village(unit), year=2026)
    va.save_village_assessment(actor=commune_officer, assessment=first, results={"2": (True, "")})
    client.force_login(province_officer)
    url = "/api/v1/ntm/village-assessments"
    with django_assert_max_num_queries(30) as one:
        data = client.get(url, {"year": 2026}).json()
    assert data["count"] == 1
    row = data["items"][0]
    assert row["village"]["name"] == "Co Muông" and row["commune"]["id"] == NEW_THANH_NUA
    assert row["criteria_set"] == "thon-db" and row["met"] == ["2"] and row["criteria_total"] == 3
    assert row["status"] == "draft" and row["level"] == "dat-chuan"
    for i in range(8):
        va.start_village_assessment(actor=commune_officer, village=_village(unit, name=f"Bản {i}"), year=2026)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url, {"year": 2026}).json()["count"] == 9
    assert client.get(url, {"year": 2026, "area": "pre2025:100"}).json()["count"] == 9
    assert client.get(url, {"year": 2026, "status": "approved"}).json()["count"] == 0
    assert client.get(url, {"year": 2025}).json()["count"] == 0
    assert client.get(url).status_code in (400, 422)  # the year is required
    assert client.get(url, {"year": "x"}).status_code == 400
    assert client.get(url, {"year": 2026, "status": "nope"}).status_code == 400
    assert client.get(url, {"year": 2026, "area": "x" * 21}).status_code in (400, 422)
    assert client.get(url, {"year": 2026, "area": "2025:99999"}).status_code == 404
    client.force_login(other_province_officer)
    assert client.get(url, {"year": 2026}).json()["count"] == 0


def test_the_return_reason_and_the_set_choice_are_on_the_pages(client, unit, commune_officer, province_officer):
    village = _village(unit)
    basic = _set(unit)
    model = _set(unit, code="thon-km", level="kieu-mau")
    client.force_login(commune_officer)
    body = client.get(f"/ntm/villages/{village.pk}/").content.decode()
    assert basic.title in body and model.title in body  # two sets: the start form offers the choice
    response = client.post(f"/ntm/villages/{village.pk}/assess/", {"year": 2026})
    assert response.status_code == 302 and not VillageAssessment.objects.exists()  # no choice: refused
    response = client.post(f"/ntm/villages/{village.pk}/assess/", {"year": 2026, "criteria_set": model.pk})
    assessment = VillageAssessment.objects.get()
    assert assessment.criteria_set == model
    va.submit_village_assessment(actor=commune_officer, assessment=assessment)
    client.force_login(province_officer)
    client.post(f"/ntm/village-assessments/{assessment.pk}/return/", {"reason": "Thiếu biên bản họp thôn"})
    client.force_login(commune_officer)
    body = client.get(f"/ntm/village-assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="return-reason"' in body and "Thiếu biên bản họp thôn" in body
