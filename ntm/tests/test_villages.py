"""The village registry (issue 18): placements across the 2025 merger, counting in either scheme, merge and split,
recognitions of registry villages, the report's `villages` block and permissions."""

import datetime

import pytest

from areas.choices import REFORM_DATE
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from ntm import services, village_services
from ntm.models import Recognition, Village, VillagePlacement, VillageSuccession
from ntm.queries import ntm_report
from ntm.reporting import narrative
from ntm.village_queries import village_commune_on, village_figures, villages_in

pytestmark = pytest.mark.django_db

OLD_THANH_NUA = "pre2025:03322"  # merged into 2025:03328 Xã Thanh Nưa on 01/07/2025
OLD_PA_THOM = "pre2025:03340"  # merged into 2025:03349 Xã Thanh Yên
NEW_THANH_NUA = "2025:03328"
NEW_THANH_YEN = "2025:03349"
D = datetime.date


def _village(unit, area_id="pre2025:03322", name="Co Muông", **kwargs):
    return village_services.create_village(actor=None, commune=unit(area_id), name=name, **kwargs)


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_a_village_moved_by_the_merger_counts_in_the_right_commune_each_year_and_scheme(unit):
    village = _village(unit)
    other = _village(unit, OLD_PA_THOM, "Thôn Pa Thơm 1")
    moved, choices = village_services.place_villages_after_merger(actor=None, day=REFORM_DATE)
    assert village in moved and other in moved and choices == []
    village.refresh_from_db()
    assert village.commune == unit(NEW_THANH_NUA)  # the denormalised latest commune follows the placement
    assert village_commune_on(village, D(2025, 6, 30)) == unit(OLD_THANH_NUA)
    assert village_commune_on(village, D(2025, 7, 1)) == unit(NEW_THANH_NUA)

    # 2024: in the old commune; the new commune reaches it through the succession
    assert _ids(villages_in(unit(OLD_THANH_NUA), D(2024, 12, 31))) == {village.pk}
    assert _ids(villages_in(unit(NEW_THANH_NUA), D(2024, 12, 31))) == {village.pk}
    assert _ids(villages_in(unit(OLD_PA_THOM), D(2024, 12, 31))) == {other.pk}
    # 2026: in the new commune; the old commune reaches it through the succession
    assert _ids(villages_in(unit(NEW_THANH_NUA), D(2026, 12, 31))) == {village.pk}
    assert _ids(villages_in(unit(OLD_THANH_NUA), D(2026, 12, 31))) == {village.pk}
    assert _ids(villages_in(unit(NEW_THANH_YEN), D(2026, 12, 31))) == {other.pk}
    # district and provinces of both schemes, in 2025
    for area_id in ("pre2025:100", "pre2025:11", "2025:11"):
        assert _ids(villages_in(unit(area_id), D(2025, 12, 31))) == {village.pk, other.pk}, area_id
    assert _ids(villages_in(unit("2025:14"), D(2025, 12, 31))) == set()
    # the report of 2025 in either scheme
    assert ntm_report(2025, "pre2025:100")["villages"]["total"] == 2
    assert ntm_report(2025, "2025:11")["villages"]["total"] == 2
    assert ntm_report(2025, NEW_THANH_NUA)["villages"]["total"] == 1
    assert ntm_report(2024, OLD_THANH_NUA)["villages"]["total"] == 1
    # idempotent: a second run moves nothing
    assert village_services.place_villages_after_merger(actor=None, day=REFORM_DATE) == ([], [])
    assert VillagePlacement.objects.filter(village=village).count() == 2


def test_a_commune_split_between_successors_is_listed_for_a_choice(unit):
    from areas.models import Succession

    link = Succession.objects.filter(predecessor__level="commune").values("predecessor_id")
    split = (
        Succession.objects.filter(predecessor__level="commune", predecessor__unit_type="xa")
        .values("predecessor_id")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("successor"))
        .filter(n__gt=1)
        .order_by("predecessor_id")
        .first()
    )
    assert link.exists() and split is not None
    from areas.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(pk=split["predecessor_id"])
    village = village_services.create_village(actor=None, commune=commune, name="Thôn chia đôi")
    moved, choices = village_services.place_villages_after_merger(actor=None, day=REFORM_DATE)
    assert village not in moved
    assert [v for v, _c in choices] == [village] and len(choices[0][1]) == split["n"]


def test_cumulative_village_counts_each_village_once_at_its_highest_level(unit):
    commune = unit(OLD_THANH_NUA)
    a, b, c = (_village(unit, name=n) for n in ("A", "B", "C"))
    services.record_recognition(
        actor=None, commune=commune, level="thon-ntm", village=a, decision_no="1", decision_date=D(2020, 5, 1)
    )
    services.record_recognition(
        actor=None, commune=commune, level="thon-kieu-mau", village=a, decision_no="2", decision_date=D(2021, 5, 1)
    )
    services.record_recognition(
        actor=None, commune=commune, level="thon-ntm", village=b, decision_no="3", decision_date=D(2021, 6, 1)
    )
    revoked, _created = services.record_recognition(
        actor=None, commune=commune, level="thon-ntm", village=c, decision_no="4", decision_date=D(2020, 6, 1)
    )
    services.revoke_recognition(actor=None, recognition=revoked, revoked_on=D(2021, 3, 1), reason="thử")
    # a name-only recognition (as imports give) counts through its commune, once per name
    services.record_recognition(
        actor=None, commune=commune, level="thon-kieu-mau", village="Thôn Cũ", decision_no="5", year=2021
    )

    area = unit("pre2025:100")
    f2020 = village_figures(2020, area)
    assert f2020["recognized"] == {"thon-ntm": 2, "thon-kieu-mau": 0}
    assert f2020["recognized_cumulative"] == {"thon-ntm": 2, "thon-kieu-mau": 0}
    f2021 = village_figures(2021, area)
    assert f2021["total"] == 3 and f2021["assessed"] == 0
    assert f2021["recognized"] == {"thon-ntm": 1, "thon-kieu-mau": 2}
    # A moved up to kiểu mẫu (no longer in the đạt chuẩn count), C revoked
    assert f2021["recognized_cumulative"] == {"thon-ntm": 1, "thon-kieu-mau": 2}
    f2022 = village_figures(2022, area)
    assert f2022["recognized"] == {"thon-ntm": 0, "thon-kieu-mau": 0}
    assert f2022["recognized_cumulative"] == {"thon-ntm": 1, "thon-kieu-mau": 2}
    # the same figures from the new scheme's province after the villages moved
    village_services.place_villages_after_merger(actor=None, day=REFORM_DATE)
    assert village_figures(2026, unit("2025:11"))["recognized_cumulative"] == {"thon-ntm": 1, "thon-kieu-mau": 2}
    assert village_figures(2026, unit("2025:14"))["recognized_cumulative"] == {"thon-ntm": 0, "thon-kieu-mau": 0}


def test_linking_name_only_recognitions_is_audited_and_does_not_double_count(unit):
    commune = unit(OLD_THANH_NUA)
    village = _village(unit, name="Co Chạy", kind="ban-lang")
    _village(unit, OLD_PA_THOM, name="Co Chạy", kind="ban-lang")  # same name in another commune: not a match
    named, _c = services.record_recognition(
        actor=None, commune=commune, level="thon-ntm", village="Bản Co Chạy", decision_no="7", year=2021
    )
    unknown, _c = services.record_recognition(
        actor=None, commune=commune, level="thon-ntm", village="Thôn Không Có", decision_no="8", year=2021
    )
    before = village_figures(2021, unit("pre2025:100"))
    assert village_services.link_village_recognitions(actor=None) == (1, 1)
    named.refresh_from_db()
    unknown.refresh_from_db()
    assert named.village_ref == village and unknown.village_ref is None
    assert AuditEntry.objects.filter(action="ntm.recognition.village_linked", object_id=str(named.pk)).exists()
    assert village_figures(2021, unit("pre2025:100")) == before
    assert village_services.link_village_recognitions(actor=None) == (0, 1)


def test_link_command(unit, capsys):
    from django.core.management import call_command

    village = _village(unit, name="Lệnh")
    rec, _c = services.record_recognition(
        actor=None, commune=unit(OLD_THANH_NUA), level="thon-ntm", village="thôn lệnh", decision_no="9", year=2021
    )
    call_command("link_village_recognitions", "--area", "pre2025:100")
    rec.refresh_from_db()
    assert rec.village_ref == village
    assert "linked 1" in capsys.readouterr().out


def test_recognition_of_a_registry_village_must_be_in_its_commune_on_the_day(unit):
    village = _village(unit)
    with pytest.raises(DomainError) as exc:
        services.record_recognition(
            actor=None, commune=unit(OLD_PA_THOM), level="thon-ntm", village=village, decision_date=D(2021, 1, 5)
        )
    assert exc.value.field == "village"
    rec, created = services.record_recognition(
        actor=None, commune=unit(OLD_THANH_NUA), level="thon-ntm", village=village, decision_date=D(2021, 1, 5)
    )
    assert created and rec.village_ref == village and rec.village == village.name
    again, created = services.record_recognition(
        actor=None, commune=unit(OLD_THANH_NUA), level="thon-ntm", village=village, decision_date=D(2021, 1, 5)
    )
    assert not created and again == rec


def test_merge_and_split(unit):
    a, b = _village(unit, name="Thôn A"), _village(unit, name="Thôn B")
    merged = village_services.merge_villages(
        actor=None, villages=[a, b], day=D(2022, 1, 1), decision="12/QĐ-UBND", name="Thôn AB"
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to == b.valid_to == D(2021, 12, 31)
    assert set(VillageSuccession.objects.filter(successor=merged).values_list("predecessor_id", flat=True)) == {
        a.pk,
        b.pk,
    }
    area = unit(OLD_THANH_NUA)
    assert _ids(villages_in(area, D(2021, 12, 31))) == {a.pk, b.pk}
    assert _ids(villages_in(area, D(2022, 12, 31))) == {merged.pk}

    parts = village_services.split_village(
        actor=None, village=merged, parts=[("AB 1", "thon"), ("AB 2", "ban-lang")], day=D(2023, 3, 1), decision="13/QĐ"
    )
    assert _ids(villages_in(area, D(2023, 12, 31))) == {p.pk for p in parts}
    assert VillageSuccession.objects.filter(predecessor=merged).count() == 2
    assert AuditEntry.objects.filter(action__in=["ntm.village.merged", "ntm.village.split"]).count() == 2

    # into an existing village: it goes on, the other ends
    c, d = _village(unit, name="Thôn C"), _village(unit, name="Thôn D")
    result = village_services.merge_villages(actor=None, villages=[d], into=c, day=D(2024, 1, 1), decision="14/QĐ")
    assert result == c
    d.refresh_from_db()
    assert d.valid_to == D(2023, 12, 31) and c.valid_to is None


def test_merge_refuses_villages_of_two_communes_and_leaves_them_unchanged(unit):
    a = _village(unit, name="Thôn A")
    b = _village(unit, OLD_PA_THOM, name="Thôn B")
    count = Village.objects.count()
    with pytest.raises(DomainError):
        village_services.merge_villages(actor=None, villages=[a, b], day=D(2022, 1, 1), decision="1", name="AB")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.valid_to is None and b.valid_to is None and Village.objects.count() == count
    assert not VillageSuccession.objects.exists()


def test_move_and_close_validate_and_change_nothing_on_refusal(unit):
    village = _village(unit)
    with pytest.raises(DomainError):  # the same commune
        village_services.move_village(
            actor=None, village=village, commune=unit(OLD_THANH_NUA), valid_from=D(2022, 1, 1)
        )
    with pytest.raises(DomainError):  # a 2025 commune before it exists
        village_services.move_village(
            actor=None, village=village, commune=unit(NEW_THANH_YEN), valid_from=D(2022, 1, 1)
        )
    assert village.placements.count() == 1
    village_services.move_village(
        actor=None, village=village, commune=unit(OLD_PA_THOM), valid_from=D(2022, 1, 1), decision="5/QĐ"
    )
    assert village_commune_on(village, D(2021, 12, 31)) == unit(OLD_THANH_NUA)
    assert village_commune_on(village, D(2022, 1, 1)) == unit(OLD_PA_THOM)
    with pytest.raises(DomainError):
        village_services.close_village(actor=None, village=village, valid_to=D(2021, 6, 1), reason="giải thể")
    village.refresh_from_db()
    assert village.valid_to is None
    village_services.close_village(actor=None, village=village, valid_to=D(2023, 6, 30), reason="giải thể")
    assert _ids(villages_in(unit(OLD_PA_THOM), D(2023, 12, 31))) == set()
    assert _ids(villages_in(unit(OLD_PA_THOM), D(2022, 12, 31))) == {village.pk}


def test_duplicate_name_in_a_commune_is_refused(unit):
    _village(unit, name="Thôn Trùng")
    with pytest.raises(DomainError) as exc:
        _village(unit, name="thôn trùng")
    assert exc.value.field == "name"


def test_permissions_by_role_and_area(unit, province_officer, other_province_officer, commune_officer):
    from accounts.roles import Role
    from conftest import make_user

    new_commune = unit(NEW_THANH_NUA)
    # a commune officer adds and corrects villages of their own commune
    own = village_services.create_village(actor=commune_officer, commune=new_commune, name="Thôn Mới")
    village_services.update_village(actor=commune_officer, village=own, name="Thôn Mới Sửa", kind="ban-lang")
    other_commune = make_user("xa.thanhyen", Role.COMMUNE_OFFICER, NEW_THANH_YEN)
    with pytest.raises(PermissionRefused):
        village_services.create_village(actor=other_commune, commune=new_commune, name="Thôn Lạ")
    with pytest.raises(PermissionRefused):
        village_services.update_village(actor=other_commune, village=own, name="X", kind="thon")
    # …but moving, closing, merging are the province's
    with pytest.raises(PermissionRefused):
        village_services.close_village(actor=commune_officer, village=own, valid_to=D(2026, 1, 1), reason="x")
    with pytest.raises(PermissionRefused):
        village_services.move_village(
            actor=commune_officer, village=own, commune=unit(NEW_THANH_YEN), valid_from=D(2026, 1, 1)
        )
    with pytest.raises(PermissionRefused):
        village_services.place_villages_after_merger(actor=commune_officer, area=new_commune)
    with pytest.raises(PermissionRefused):
        village_services.create_village(actor=other_province_officer, commune=new_commune, name="Thôn Sơn La")
    village_services.move_village(
        actor=province_officer, village=own, commune=unit(NEW_THANH_YEN), valid_from=D(2026, 1, 1)
    )
    assert Village.objects.for_user(other_province_officer, "ntm.view").count() == 0
    assert list(Village.objects.for_user(province_officer, "ntm.view")) == [own]
    actions = list(AuditEntry.objects.filter(object_type="ntm.village").order_by("pk").values_list("action", flat=True))
    assert actions == ["ntm.village.created", "ntm.village.updated", "ntm.village.moved"]


def test_the_report_block_the_narrative_and_the_api(client, unit):
    village = _village(unit, name="Bản Na Hai", kind="ban-lang")
    services.record_recognition(
        actor=None,
        commune=unit(OLD_THANH_NUA),
        level="thon-kieu-mau",
        village=village,
        decision_no="1",
        decision_date=D(2021, 4, 1),
    )
    report = ntm_report(2021, "pre2025:100")
    assert report["villages"] == {
        "total": 1,
        "assessed": 0,
        "recognized": {"thon-ntm": 0, "thon-kieu-mau": 1},
        "recognized_cumulative": {"thon-ntm": 0, "thon-kieu-mau": 1},
    }
    assert "có thêm 1 thôn, bản nông thôn mới kiểu mẫu" in narrative(report)
    response = client.get("/api/v1/reports/ntm", {"year": 2021, "area": "pre2025:100"})
    assert response.status_code == 200
    body = response.json()
    assert body["villages"] == report["villages"]
    # every field of CONTRACT §7 is still there
    for key in ("communes", "assessed", "recognized", "recognized_cumulative", "children", "basically_meeting_rule"):
        assert key in body
    schema = client.get("/api/v1/openapi.json").json()
    assert "VillagesOut" in schema["components"]["schemas"]


def test_a_report_without_villages_keeps_its_narrative(unit):
    report = ntm_report(2021, "pre2025:100")
    assert report["villages"]["total"] == 0
    assert "thôn, bản" not in narrative(report)


def test_recognitions_stay_valid_without_a_registry_village(unit):
    rec, created = services.record_recognition(
        actor=None, commune=unit(OLD_THANH_NUA), level="thon-ntm", village="Thôn Tên", decision_no="1", year=2020
    )
    assert created and rec.village_ref is None
    assert Recognition.objects.filter(village="Thôn Tên").count() == 1
