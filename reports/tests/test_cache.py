"""reports.cache: figures cached by data version (the newest audit entry's id), which every audited write moves,
bulk writes included; the dashboard's watch and the home page's watch counts are cached the same way."""

import datetime

import pytest

from core import audit
from reports.cache import cached, data_version
from reports.dashboard import build_dashboard

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_bulk_audited_write_moves_the_version_without_any_signal():
    before = data_version()
    audit.record_many([audit.build(actor=None, action="tests.bulk", label=str(i)) for i in range(3)])
    assert data_version() > before


def test_a_figure_is_computed_once_per_version():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("t", "a", compute=compute) == 1
    assert cached("t", "a", compute=compute) == 1
    assert cached("t", "b", compute=compute) == 2  # other parts, other key
    audit.record(actor=None, action="tests.write", label="x")
    assert cached("t", "a", compute=compute) == 3


def test_the_dashboard_reads_its_figures_and_watch_from_the_cache(certify, unit, django_assert_num_queries):
    certify("pre2025:03331", D(2023, 3, 31))
    province = unit("2025:11")
    first = build_dashboard(province, D(2024, 6, 30))
    with django_assert_num_queries(2):  # the data version, the group names; figures and watch from the cache
        again = build_dashboard(province, D(2024, 6, 30))
    assert (again.figures, again.watch) == (first.figures, first.watch)
    certify("pre2025:03331", D(2024, 3, 1))  # recognised in the period (1 January to the date)
    later = build_dashboard(province, D(2024, 6, 30))
    assert later.watch["recognized"] == first.watch["recognized"] + 1
    assert later.total == first.total + 1


def test_the_home_pages_watch_counts_follow_the_records(province_officer, certify, django_assert_num_queries):
    from django.utils import timezone

    from certification.todo import todo_items

    def expiring():
        province_officer.__dict__.pop("_area_scope_cache", None)
        return [i["count"] for i in todo_items(province_officer) if "sắp hết hạn" in i["label"]]

    today = timezone.localdate()
    certify("pre2025:03331", today.replace(year=today.year - 3) + datetime.timedelta(days=10))
    assert expiring() == [1]
    province_officer.__dict__.pop("_area_scope_cache", None)
    # the data version, the officer's memberships and their counterparts; the counts from the cache
    with django_assert_num_queries(3):
        todo_items(province_officer)
    certify("pre2025:03331", today.replace(year=today.year - 3) + datetime.timedelta(days=12))
    assert expiring() == [2]
