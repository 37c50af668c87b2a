import datetime

import pytest
import yaml

from areas.choices import REFORM_DATE, Level, ReviewStatus, Scheme
from areas.loader import PATCH_PATH, PatchError, load_units, read_patch
from areas.models import AdministrativeUnit, PendingSuccession, Succession
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def count(scheme, level, **filters):
    return AdministrativeUnit.objects.filter(scheme=scheme, level=level, **filters).count()


def test_both_schemes_are_loaded_with_the_official_counts():
    assert count(Scheme.PRE2025, Level.PROVINCE) == 63
    assert count(Scheme.PRE2025, Level.DISTRICT) == 696
    assert count(Scheme.PRE2025, Level.COMMUNE) == 10051
    assert count(Scheme.S2025, Level.PROVINCE) == 34
    assert count(Scheme.S2025, Level.COMMUNE) == 3321
    assert count(Scheme.S2025, Level.DISTRICT) == 0


def test_dien_bien_has_ten_district_level_units_and_129_old_communes(unit):
    province = unit("pre2025:11")
    assert province.name == "Tỉnh Điện Biên"
    assert count(Scheme.PRE2025, Level.DISTRICT, parent=province) == 10
    assert count(Scheme.PRE2025, Level.COMMUNE, province=province) == 129
    district = unit("pre2025:100")
    assert district.name == "Huyện Điện Biên"
    assert count(Scheme.PRE2025, Level.COMMUNE, parent=district) == 21
    assert count(Scheme.PRE2025, Level.COMMUNE, district=district) == 21


def test_units_carry_validity_source_and_denormalised_ancestors(unit):
    old, new = unit("pre2025:03331"), unit("2025:03328")
    assert (old.valid_from, old.valid_until) == (None, REFORM_DATE)
    assert (new.valid_from, new.valid_until) == (REFORM_DATE, None)
    assert old.is_valid_on(datetime.date(2025, 6, 30)) and not old.is_valid_on(REFORM_DATE)
    assert old.province.code == "11" and old.district.code == "100"
    assert new.province.code == "11" and new.district is None
    assert new.source.startswith("vietnam-provinces 2026.9.0")
    assert unit("pre2025:11").province_id == unit("pre2025:11").pk


def test_code_is_reused_across_schemes(unit):
    assert unit("pre2025:03754").name == "Xã Noong Lay"
    assert unit("2025:03754").name == "Xã Chiềng La"
    assert unit("pre2025:15").name == "Tỉnh Yên Bái"
    assert unit("2025:15").name == "Tỉnh Lào Cai"


def test_old_thanh_hung_is_succeeded_by_thanh_nua(unit):
    succession = Succession.objects.get(predecessor=unit("pre2025:03331"))
    assert succession.successor == unit("2025:03328")
    assert succession.successor.name == "Xã Thanh Nưa"
    assert not succession.partly_merged
    assert succession.effective_date == REFORM_DATE


def test_partly_merged_communes_keep_every_successor_flagged(unit):
    # Package row 19 (Hà Nội): one old ward divided between four new wards.
    rows = Succession.objects.filter(predecessor=unit("pre2025:00019"))
    assert rows.count() == 4
    assert all(s.partly_merged for s in rows)


def test_provinces_merged_in_2025_point_to_their_successor(unit):
    assert Succession.objects.get(predecessor=unit("pre2025:15")).successor == unit("2025:15")
    assert set(Succession.objects.filter(successor=unit("2025:15")).values_list("predecessor__name", flat=True)) == {
        "Tỉnh Lào Cai",
        "Tỉnh Yên Bái",
    }


def test_old_units_without_successor_are_exactly_the_patch_entries_awaiting_review():
    patch = read_patch()
    awaiting = {e["old"] for e in patch if e["status"] == ReviewStatus.AWAITING}
    reviewed = {e["old"] for e in patch if e["status"] == ReviewStatus.REVIEWED}
    assert len(patch) == 28
    orphans = {
        f"pre2025:{c}"
        for c in AdministrativeUnit.objects.filter(
            scheme=Scheme.PRE2025, level=Level.COMMUNE, successions__isnull=True
        ).values_list("code", flat=True)
    }
    assert orphans == awaiting
    assert set(PendingSuccession.objects.values_list("unit__code", flat=True)) == {a.split(":")[1] for a in awaiting}
    son_la = [
        e
        for e in patch
        if e["old"]
        in {
            "pre2025:03751",
            "pre2025:03898",
            "pre2025:03913",
            "pre2025:03988",
            "pre2025:03991",
            "pre2025:04003",
            "pre2025:04060",
        }
    ]
    assert len(son_la) == 7 and all(e.get("legal_basis") or e["status"] == ReviewStatus.AWAITING for e in son_la)
    for old in reviewed:
        rows = Succession.objects.filter(predecessor__scheme="pre2025", predecessor__code=old.split(":")[1])
        assert rows.exists()
        assert all(s.review_status == ReviewStatus.REVIEWED and s.legal_basis for s in rows)


def test_chieng_ly_is_listed_as_awaiting_review(unit):
    chieng_ly = unit("pre2025:03751")
    assert chieng_ly.name == "Xã Chiềng Ly" and chieng_ly.parent.name == "Huyện Thuận Châu"
    assert chieng_ly.pending_succession.note


def test_second_load_changes_nothing():
    audit_before = AuditEntry.objects.count()
    units_before = list(AdministrativeUnit.objects.order_by("id").values())
    report = load_units()
    assert report.units["created"] == 0 and report.units["updated"] == 0
    assert report.units["unchanged"] == AdministrativeUnit.objects.count()
    assert all(report.successions[k] == 0 for k in ("created", "updated", "removed"))
    assert AuditEntry.objects.count() == audit_before
    assert list(AdministrativeUnit.objects.order_by("id").values()) == units_before


def test_a_unit_edited_by_hand_is_restored_and_the_change_audited(unit):
    AdministrativeUnit.objects.filter(scheme="pre2025", code="03331").update(name="Xã Sai Tên")
    report = load_units()
    assert report.units["updated"] == 1
    assert unit("pre2025:03331").name == "Xã Thanh Hưng"
    entry = AuditEntry.objects.filter(action="areas.unit.updated").latest("id")
    assert entry.before["name"] == "Xã Sai Tên" and entry.after["name"] == "Xã Thanh Hưng"


def test_a_patch_entry_without_legal_basis_is_refused_and_nothing_changes(tmp_path):
    data = yaml.safe_load(PATCH_PATH.read_text(encoding="utf-8"))
    data["entries"][0].update(status="reviewed", successors=["2025:01234"], legal_basis="")
    bad = tmp_path / "patch.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = Succession.objects.count()
    with pytest.raises(PatchError, match="legal_basis"):
        load_units(patch_path=bad)
    assert Succession.objects.count() == before


def test_a_patch_entry_naming_the_wrong_unit_is_refused(tmp_path):
    data = yaml.safe_load(PATCH_PATH.read_text(encoding="utf-8"))
    data["entries"][0]["name"] = "Xã Không Có"
    bad = tmp_path / "patch.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PatchError, match="Xã Không Có"):
        load_units(patch_path=bad)


def test_load_reference_data_command_reports_counts(capsys):
    from django.core.management import call_command

    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "pre2025/commune=10051" in out and "2025/commune=3321" in out
    assert "old communes still without successor: 23" in out
