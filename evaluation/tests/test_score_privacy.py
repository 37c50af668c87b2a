"""Scores stay private until the lock (issue 14, item 3): before the chair locks an item, the chair's board, the
scoring API, the audit pages and the audit API show no member's total, chosen options or named >10-point pairs,
only "x/y thành viên đã nộp phiếu"; after the lock everything shows as before. The audit list reads the lock state
of every entry on its page in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from evaluation import council
from evaluation.tests.scoring_setup import build_round, score

pytestmark = pytest.mark.django_db
HIDDEN = "ẩn đến khi khoá phiếu"


@pytest.fixture
def setting(province_officer, unit):
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    score(item, people["chu.tich"], (2, 2, 2))  # 100
    score(item, people["tv1"], (1, 0, 1))  # 40: 60 points below the chair
    return rnd, item, people


def submitted_entry(item, username):
    return AuditEntry.objects.get(action="evaluation.sheet.submitted", object_id=str(item.pk), after__member=username)


def test_the_board_shows_progress_not_scores_before_the_lock(client, setting, province_officer):
    rnd, item, p = setting
    for user in (p["chu.tich"], province_officer):
        client.force_login(user)
        page = client.get(f"/evaluation/{rnd.pk}/board/").content.decode()
        assert "2/4 thành viên đã nộp phiếu" in page
        assert 'data-testid="result"' not in page and 'data-testid="flags"' not in page
        assert "chu.tich – tv1" not in page and "Chấm lệch nhau quá 10 điểm" not in page
    council.lock_item(actor=p["chu.tich"], item=item)
    client.force_login(p["chu.tich"])
    page = client.get(f"/evaluation/{rnd.pk}/board/").content.decode()
    assert 'data-testid="result"' in page and 'data-testid="flags"' in page and "chu.tich – tv1: 60" in page
    assert "thành viên đã nộp phiếu" not in page


def test_the_scoring_api_gives_progress_and_no_result_before_the_lock(client, setting):
    rnd, item, p = setting
    client.force_login(p["chu.tich"])
    (row,) = client.get(f"/api/v1/evaluation/rounds/{rnd.pk}/items").json()
    assert row["result"] is None and (row["submitted"], row["expected"]) == (2, 4)
    assert row["progress"] == "2/4 thành viên đã nộp phiếu"
    council.lock_item(actor=p["chu.tich"], item=item)
    (row,) = client.get(f"/api/v1/evaluation/rounds/{rnd.pk}/items").json()
    assert row["result"]["mean"] == "70.00" and row["result"]["flagged"]


def test_the_audit_page_hides_members_totals_until_the_lock(client, setting, province_officer):
    rnd, item, p = setting
    entry = submitted_entry(item, "tv1")
    client.force_login(province_officer)
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert HIDDEN in page and "2/4 thành viên đã nộp phiếu" in page and 'data-testid="audit-redacted"' in page
    assert "40.00" not in page and ">40<" not in page
    listing = client.get("/audit/", {"action": "evaluation.sheet"}).content.decode()
    assert 'data-testid="audit-redacted"' in listing
    council.lock_item(actor=p["chu.tich"], item=item)
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert HIDDEN not in page and "40" in page and 'data-testid="audit-redacted"' not in page
    other = AuditEntry.objects.get(action="evaluation.item.added")  # entries that carry no score are never masked
    assert "Gạo thử" in client.get(f"/audit/{other.pk}/").content.decode()


def test_the_audit_api_hides_members_totals_until_the_lock(client, setting, province_officer):
    rnd, item, p = setting
    entry = submitted_entry(item, "tv1")
    client.force_login(province_officer)
    listed = client.get("/api/v1/audit/entries", {"action": "evaluation.sheet.submitted"}).json()["items"]
    assert len(listed) == 2 and all(e["redacted"] for e in listed)
    assert {e["after"]["member"] for e in listed} == {"chu.tich", "tv1"}
    assert all(e["after"]["total"].startswith(HIDDEN) and "2/4" in e["after"]["total"] for e in listed)
    one = client.get(f"/api/v1/audit/entries/{entry.pk}").json()
    assert one["redacted"] and HIDDEN in one["after"]["total"]
    council.lock_item(actor=p["chu.tich"], item=item)
    one = client.get(f"/api/v1/audit/entries/{entry.pk}").json()
    assert not one["redacted"] and float(one["after"]["total"]) == 40
    added = client.get("/api/v1/audit/entries", {"action": "evaluation.item.added"}).json()["items"]
    assert not added[0]["redacted"] and added[0]["after"]["product"] == "Gạo thử"


def test_a_reopened_item_hides_its_sheets_again(setting, province_officer):
    from core import audit_privacy

    rnd, item, p = setting
    council.lock_item(actor=p["chu.tich"], item=item)
    council.reopen_item(actor=p["chu.tich"], item=item, reason="Chấm lại")
    (entry,) = audit_privacy.redact([submitted_entry(item, "tv1")], province_officer)
    assert entry.redacted and HIDDEN in entry.after["total"] and "0/4" in entry.after["total"]


def items_chair(item):
    return item.evaluation_round.members.get(role="chair").user


def test_the_audit_list_reads_lock_states_in_one_query(client, province_officer, unit, django_assert_num_queries):
    client.force_login(province_officer)
    URL = "/audit/?action=evaluation.sheet.submitted"

    def rounds(prefix, n_products):
        rnd, items, people = build_round(
            province_officer, unit, products=[f"Sản phẩm {n}" for n in range(n_products)], prefix=prefix, reported=True
        )
        for item in items:
            for name in ("chu.tich", "tv1"):
                score(item, people[name], (2, 2, 2))
        return items

    first = rounds("a", 1)[0]
    council.lock_item(actor=items_chair(first), item=first)  # the first page: one locked item, nothing masked
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    items = rounds("b", 4)
    council.lock_item(actor=items_chair(items[0]), item=items[0])  # a locked item's entries cost nothing more
    with django_assert_num_queries(len(few)) as many:
        page = client.get(URL).content.decode()
    assert page.count('data-testid="audit-redacted"') == 6  # 3 open items × 2 sheets; the 2 locked items' show
    assert sum("evaluation_rounditem" in q["sql"] for q in many.captured_queries) == 1
