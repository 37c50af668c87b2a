"""Real concurrency on PostgreSQL: row locks serialise saves, submissions and the chair's lock (skipped elsewhere).

Each thread opens its own database connection (Django's are per thread) and closes it at the end.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from conftest import make_user
from core.errors import DomainError
from core.models import AuditEntry
from evaluation import council
from evaluation.council_models import Answer, ItemStatus, Scoresheet, SheetStatus
from evaluation.tests.scoring_setup import build_round, criteria, score
from products.models import ProductCategory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reference(unit):
    # A transactional test's database is emptied after each test: reload the reference data if it is gone.
    if not ProductCategory.objects.exists():
        from core.reference import load_all_reference_data

        load_all_reference_data()
    return make_user("tinh", "province_officer", "2025:11")


def run_together(*jobs):
    """Start every job at the same moment; return each job's exception (or None)."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def runner(n, job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def sum_of_answers(sheet):
    return Answer.objects.filter(sheet=sheet).aggregate(t=Sum("option__points"))["t"]


def test_two_members_submitting_at_once_both_end_submitted_with_their_totals(reference, unit):
    rnd, (item,), p = build_round(reference, unit, reported=True)
    score(item, p["tv1"], (2, 1, 2), submit=False)  # 90
    score(item, p["tv2"], (1, 2, 2), submit=False)  # 80
    for _round in range(5):  # concurrent answers, then concurrent submissions
        outcomes = run_together(
            lambda: score(item, p["tv1"], (2, 1, 2), submit=False),
            lambda: score(item, p["tv2"], (1, 2, 2), submit=False),
        )
        assert outcomes == [None, None]
    outcomes = run_together(
        lambda: council.submit_sheet(actor=p["tv1"], item=item),
        lambda: council.submit_sheet(actor=p["tv2"], item=item),
    )
    assert outcomes == [None, None]
    sheets = {s.member.user.username: s for s in Scoresheet.objects.filter(item=item).select_related("member__user")}
    assert {name: (s.status, s.total) for name, s in sheets.items()} == {
        "tv1": (SheetStatus.SUBMITTED, 90),
        "tv2": (SheetStatus.SUBMITTED, 80),
    }
    assert all(s.total == sum_of_answers(s) for s in sheets.values())
    assert AuditEntry.objects.filter(action="evaluation.sheet.submitted").count() == 2


def test_a_save_racing_the_chairs_lock_either_counts_or_is_refused(reference, unit):
    rnd, items, p = build_round(reference, unit, products=[f"Sản phẩm {n}" for n in range(6)], reported=True)
    outcomes_seen = set()
    for n, item in enumerate(items):
        for name in ("chu.tich", "tv2", "tv3"):
            score(item, p[name], (2, 2, 1))  # 80 each
        score(item, p["tv1"], (2, 2, 1), submit=False)  # a draft of 80, changed to 70 and submitted below
        c2 = criteria(item)[1]
        new_option = c2.options.order_by("position")[1]

        def member_saves(item=item, c2=c2, new_option=new_option):
            council.choose_option(actor=p["tv1"], item=item, criterion=c2, option=new_option)
            council.submit_sheet(actor=p["tv1"], item=item)

        def chair_locks(item=item, delay=0.3 if n % 2 else 0):  # a late lock on every other item: the save wins
            time.sleep(delay)
            council.lock_item(actor=p["chu.tich"], item=item)

        save_error, lock_error = run_together(member_saves, chair_locks)
        assert lock_error is None
        item.refresh_from_db()
        assert item.status == ItemStatus.LOCKED
        sheet = Scoresheet.objects.get(item=item, member__user=p["tv1"])
        chosen = Answer.objects.get(sheet=sheet, criterion=c2).option_id
        assert sheet.total == sum_of_answers(sheet)  # never a half-written sheet
        if save_error is None:
            outcome = "counted"
            assert sheet.status == SheetStatus.SUBMITTED and chosen == new_option.id and sheet.total == 70
        else:
            assert isinstance(save_error, DomainError) and "khoá phiếu" in save_error.message
            assert sheet.status == SheetStatus.DRAFT  # refused (at the save or at the submission): not counted
            outcome = "saved, not submitted" if chosen == new_option.id else "refused"
        outcomes_seen.add(outcome)
        locked_at = AuditEntry.objects.get(action="evaluation.item.locked", object_id=str(item.pk)).created_at
        assert sheet.updated_at <= locked_at  # nothing changed after the lock
        result = council.result_of(item)
        assert item.mean == result.mean
        assert item.mean == (Decimal("77.50") if outcome == "counted" else Decimal("80.00"))
    assert "counted" in outcomes_seen  # the late locks; the others race, and every interleaving is consistent
