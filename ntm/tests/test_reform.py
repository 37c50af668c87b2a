"""NTM across the 2025 reform (issue "figures officials can trust" §7b–c, CONTRACT §7 Changed): a new commune whose
predecessors all held a recognition on 30/06/2025 holds the lowest of their levels, inherited, until the province
records a decision (a "thừa nhận") for it; a partial merge is not recognised; revoked on or before 30/06/2025 does
not count."""

import datetime

import pytest
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEntry
from ntm import services
from ntm.models import Recognition
from ntm.queries import commune_standing, ntm_report

pytestmark = pytest.mark.django_db

# Xã Thanh Yên (2025:03349) ← Xã Pa Thơm, Xã Thanh Yên, Xã Noong Luống (all of Huyện Điện Biên)
NEW = "2025:03349"
PREDECESSORS = ["pre2025:03340", "pre2025:03346", "pre2025:03349"]
D = datetime.date


def recognise(unit, area_id, level="dat-chuan", day=None, number=None):
    recognition, _created = services.record_recognition(
        actor=None,
        commune=unit(area_id),
        level=level,
        decision_no=number or f"{area_id}/{level}",
        decision_date=day or D(2020, 12, 10),
    )
    return recognition


def child(report, area_id=NEW):
    return next(c for c in report["children"] if c["id"] == area_id)


def test_all_predecessors_recognised_at_mixed_levels_the_lowest_is_inherited(unit):
    recognise(unit, PREDECESSORS[0], "nang-cao")
    recognise(unit, PREDECESSORS[1], "kieu-mau")
    recognise(unit, PREDECESSORS[2], "dat-chuan")
    report = ntm_report(2025, "2025:11")
    assert child(report) == {
        "id": NEW,
        "name": "Xã Thanh Yên",
        "criteria_met": None,
        "status": "dat-chuan",
        "inherited": True,
    }
    assert report["recognized"] == {"dat-chuan": 1, "nang-cao": 0, "kieu-mau": 0}
    assert report["recognized_cumulative"] == {"dat-chuan": 1, "nang-cao": 0, "kieu-mau": 0}
    assert report["inherited"] == 1
    # every other child has no "inherited" key
    assert sum(1 for c in report["children"] if "inherited" in c) == 1


def test_all_at_advanced_or_model_level_inherits_advanced(unit):
    recognise(unit, PREDECESSORS[0], "nang-cao")
    recognise(unit, PREDECESSORS[1], "kieu-mau")
    recognise(unit, PREDECESSORS[2], "nang-cao")
    report = ntm_report(2025, "2025:11")
    assert child(report)["status"] == "nang-cao"
    assert report["recognized_cumulative"] == {"dat-chuan": 1, "nang-cao": 1, "kieu-mau": 0}


def test_each_predecessor_counts_at_its_highest_level(unit):
    recognise(unit, PREDECESSORS[0], "dat-chuan", D(2019, 1, 1))
    recognise(unit, PREDECESSORS[0], "kieu-mau", D(2024, 1, 1))
    recognise(unit, PREDECESSORS[1], "kieu-mau")
    recognise(unit, PREDECESSORS[2], "kieu-mau")
    assert child(ntm_report(2025, "2025:11"))["status"] == "kieu-mau"


def test_a_partial_merge_is_not_recognised_and_its_page_says_which_were(unit, client, province_officer):
    recognise(unit, PREDECESSORS[0])
    recognise(unit, PREDECESSORS[1], "nang-cao")
    report = ntm_report(2025, "2025:11")
    assert child(report) == {"id": NEW, "name": "Xã Thanh Yên", "criteria_met": None, "status": "chua-co-so-lieu"}
    assert report["recognized"] == {"dat-chuan": 0, "nang-cao": 0, "kieu-mau": 0}
    standing = commune_standing(unit(NEW), 2025)
    assert [p.unit.name for p in standing.recognised_predecessors] == ["Xã Pa Thơm", "Xã Thanh Yên"]
    assert [p.unit.name for p in standing.unrecognised_predecessors] == ["Xã Noong Luống"]
    client.force_login(province_officer)
    html = client.get(reverse("ntm:commune", args=[NEW]), {"year": 2025}).content.decode()
    assert 'data-testid="partial-merge"' in html and "2/3" in html
    start = html.index('data-testid="predecessors"')
    section = html[start : html.index("</section>", start)]
    assert "Xã Noong Luống" in section and "Chưa được công nhận" in section
    assert section.count("Xã đạt chuẩn nông thôn mới nâng cao") == 1


@pytest.mark.parametrize(
    "revoked_on,inherited",
    [
        (D(2025, 6, 29), False),
        (D(2025, 6, 30), False),  # revoked from 30/06: not held on that day
        (D(2025, 7, 1), True),  # held on 30/06/2025, revoked only after the reform
    ],
)
def test_a_revocation_on_or_before_30_june_2025_breaks_the_inheritance(unit, revoked_on, inherited):
    for area_id in PREDECESSORS:
        recognise(unit, area_id)
    recognition = Recognition.objects.get(commune=unit(PREDECESSORS[2]))
    services.revoke_recognition(actor=None, recognition=recognition, revoked_on=revoked_on, reason="Không duy trì")
    c = child(ntm_report(2025, "2025:11"))
    assert c.get("inherited", False) is inherited
    assert c["status"] == ("dat-chuan" if inherited else "chua-co-so-lieu")


def test_a_recognition_decided_on_30_june_2025_counts(unit):
    recognise(unit, PREDECESSORS[0])
    recognise(unit, PREDECESSORS[1])
    recognise(unit, PREDECESSORS[2], day=D(2025, 6, 30))
    assert child(ntm_report(2025, "2025:11"))["inherited"] is True


def test_a_thua_nhan_decision_replaces_the_inherited_level(unit, province_officer):
    recognise(unit, PREDECESSORS[0], "nang-cao")
    recognise(unit, PREDECESSORS[1], "nang-cao")
    recognise(unit, PREDECESSORS[2], "nang-cao")
    assert child(ntm_report(2025, "2025:11"))["status"] == "nang-cao"
    decision, created = services.record_acknowledgement(
        actor=province_officer,
        commune=unit(NEW),
        level="dat-chuan",
        decision_no="12/QĐ-UBND",
        decision_date=D(2026, 1, 10),
    )
    assert created and decision.kind == "thua-nhan" and decision.warning == ""
    assert sorted(u.code for u in decision.follows_from.all()) == ["03340", "03346", "03349"]
    entry = AuditEntry.objects.get(action="ntm.recognition.acknowledged", object_id=str(decision.pk))
    assert entry.after["follows_from"] == PREDECESSORS and entry.actor == province_officer
    # 2025 still reads the inherited level; from the decision on, the commune holds what the province decided
    assert child(ntm_report(2025, "2025:11"))["inherited"] is True
    c2026 = child(ntm_report(2026, "2025:11"))
    assert c2026["status"] == "dat-chuan" and "inherited" not in c2026
    # the same decision again is found, not duplicated
    assert services.record_acknowledgement(
        actor=province_officer,
        commune=unit(NEW),
        level="dat-chuan",
        decision_no="12/QĐ-UBND",
        decision_date=D(2026, 1, 10),
    ) == (decision, False)


def test_a_revoked_thua_nhan_does_not_bring_the_inheritance_back(unit):
    for area_id in PREDECESSORS:
        recognise(unit, area_id)
    decision, _ = services.record_acknowledgement(
        actor=None, commune=unit(NEW), level="dat-chuan", decision_no="1/QĐ", decision_date=D(2025, 9, 1)
    )
    services.revoke_recognition(actor=None, recognition=decision, revoked_on=D(2025, 11, 1), reason="Sai sót")
    c = child(ntm_report(2025, "2025:11"))
    assert c["status"] == "chua-co-so-lieu" and "inherited" not in c


def test_a_thua_nhan_over_a_partial_merge_is_recorded_with_a_warning(unit):
    recognise(unit, PREDECESSORS[0])
    decision, _ = services.record_acknowledgement(
        actor=None, commune=unit(NEW), level="dat-chuan", decision_no="2/QĐ", decision_date=D(2025, 9, 1)
    )
    assert "Xã Thanh Yên" in decision.warning and "Xã Noong Luống" in decision.warning
    assert child(ntm_report(2025, "2025:11"))["status"] == "dat-chuan"


def test_a_thua_nhan_names_only_predecessors(unit):
    with pytest.raises(DomainError) as caught:
        services.record_acknowledgement(
            actor=None,
            commune=unit(NEW),
            level="dat-chuan",
            decision_no="3/QĐ",
            decision_date=D(2025, 9, 1),
            follows_from=[unit("pre2025:03343")],  # Xã Thanh An went into another commune
        )
    assert "không phải xã trước sắp xếp" in caught.value.message
    decision, _ = services.record_acknowledgement(
        actor=None,
        commune=unit(NEW),
        level="dat-chuan",
        decision_no="3/QĐ",
        decision_date=D(2025, 9, 1),
        follows_from=[unit(PREDECESSORS[0])],
    )
    assert "Quyết định không gồm" in decision.warning


def test_only_province_officers_record_a_thua_nhan(unit, commune_officer):
    with pytest.raises(DomainError):
        services.record_acknowledgement(
            actor=commune_officer,
            commune=unit("2025:03328"),
            level="dat-chuan",
            decision_no="4/QĐ",
            decision_date=D(2025, 9, 1),
        )


def test_inherited_co_ban_dat_chuan_is_basically_meeting_by_decision(unit, settings):
    recognise(unit, PREDECESSORS[0])
    recognise(unit, PREDECESSORS[1], "co-ban-dat-chuan")
    recognise(unit, PREDECESSORS[2], "nang-cao")
    report = ntm_report(2025, "2025:11")
    assert child(report) == {
        "id": NEW,
        "name": "Xã Thanh Yên",
        "criteria_met": None,
        "status": "co-ban-dat",
        "inherited": True,
    }
    assert report["basically_meeting"] == 1 and report["inherited_basically_meeting"] == 1
    assert report["recognized"]["dat-chuan"] == 0 and report["inherited"] == 0
    settings.NTM_BASICALLY_MEETING = "all"
    assert ntm_report(2025, "2025:11")["basically_meeting"] == 0


def test_old_years_and_old_communes_are_untouched(unit):
    for area_id in PREDECESSORS:
        recognise(unit, area_id)
    report = ntm_report(2024, "pre2025:100")
    assert report["recognized"]["dat-chuan"] == 3 and report["inherited"] == 0
    assert all("inherited" not in c for c in report["children"])


def test_commune_page_shows_the_inheritance_and_records_a_thua_nhan(unit, client, province_officer):
    for area_id in PREDECESSORS:
        recognise(unit, area_id)
    client.force_login(province_officer)
    url = reverse("ntm:commune", args=[NEW])
    html = client.get(url, {"year": 2025}).content.decode()
    assert 'data-testid="inherited"' in html and 'data-testid="acknowledgement"' in html
    predecessor_ids = [str(unit(a).pk) for a in PREDECESSORS]
    response = client.post(
        reverse("ntm:acknowledgement_add", args=[NEW]),
        {
            "level": "dat-chuan",
            "decision_no": "7/QĐ-UBND",
            "decision_date": "2025-10-20",
            "follows_from": predecessor_ids,
        },
    )
    assert response.status_code == 302
    decision = Recognition.objects.get(commune=unit(NEW))
    assert decision.kind == "thua-nhan" and decision.follows_from.count() == 3
    html = client.get(url, {"year": 2025}).content.decode()
    assert 'data-testid="own-decision"' in html and 'data-testid="inherited"' not in html
    assert "Thừa nhận (xã sau sắp xếp)" in html


def test_a_commune_officer_cannot_post_a_thua_nhan(unit, client, commune_officer):
    client.force_login(commune_officer)
    response = client.post(
        reverse("ntm:acknowledgement_add", args=["2025:03328"]),
        {"level": "dat-chuan", "decision_no": "7/QĐ", "decision_date": "2025-10-20"},
    )
    assert response.status_code in (403, 404)
    assert not Recognition.objects.exists()


def test_report_queries_stay_constant_with_inheritance(unit, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        ntm_report(2025, "2025:11")
    for area_id in [*PREDECESSORS, "pre2025:03322", "pre2025:03323", "pre2025:03328", "pre2025:03331"]:
        recognise(unit, area_id)
    with django_assert_num_queries(len(few)):
        ntm_report(2025, "2025:11")
