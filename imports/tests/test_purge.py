"""Issue 14: an abandoned import ends. A job left waiting (for its mapping or for "Ghi") beyond IMPORT_ABANDON_AFTER
is cancelled and its file deleted; a running job whose worker died is marked failed; old jobs' files are deleted after
IMPORT_FILE_RETENTION; each change is audited; the worker runs the purge too."""

import datetime
import io
import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEntry
from imports import progress, purge
from imports.models import ImportJob, Mode, Status
from imports.tests.test_jobs import latest, register, upload
from products.models import Product

pytestmark = pytest.mark.django_db


def age(job, **delta):
    """Move the job back in time, as if it had been uploaded and last run that long ago."""
    moment = timezone.now() - datetime.timedelta(**delta)
    fields = {"created_at": moment}
    if job.finished_at:
        fields["finished_at"] = moment
    if job.started_at:
        fields["started_at"] = moment
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()


def test_a_checked_job_nobody_writes_is_cancelled_after_a_day_and_its_file_deleted(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(3, bad={1}))
    job = latest()
    assert job.status == Status.VALIDATED and job.file and job.error_file
    stored = [job.file.path, job.error_file.path]
    age(job, hours=23)
    assert purge.purge()["expired"] == 0
    age(job, hours=25)
    call_command("purge_imports", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and "bỏ dở quá 24 giờ" in job.reason
    assert not job.file and not job.error_file and not any(os.path.exists(p) for p in stored)
    entry = AuditEntry.objects.get(action="imports.job.expired", object_id=str(job.pk))
    assert entry.after["status"] == Status.VALIDATED and len(entry.after["deleted"]) == 2
    page = client.post(f"/imports/{job.pk}/mapping/", follow=True).content.decode()  # nothing left to run again
    assert "đã được xóa" in page or "không còn áp dụng" in page
    assert not Product.objects.exists()


def test_a_job_waiting_for_its_mapping_is_cancelled_too(client, province_officer):
    client.force_login(province_officer)
    upload(
        client,
        register(
            2, head="product,Tên HTX lạ,producer_type,province,district,commune,group,stars,decision_no,decision_date"
        ),
    )
    job = latest()
    assert job.status == Status.NEEDS_MAPPING
    age(job, days=2)
    assert purge.purge()["expired"] == 1
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and not job.file


def test_a_running_job_whose_worker_died_is_marked_failed(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(2))
    job = latest()
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, mode=Mode.WRITE, finished_at=None)
    job.refresh_from_db()
    age(job, minutes=10)
    progress.write(job.pk, "write", 1, 4)  # a live worker: it just reported progress
    age(job, hours=2)
    assert purge.purge()["worker_lost"] == 0
    progress.clear(job.pk)  # …and then it died long ago: its last word is its start
    assert purge.purge()["worker_lost"] == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED and "dừng giữa chừng" in job.reason and "không có gì được ghi" in job.reason
    assert AuditEntry.objects.filter(action="imports.job.worker_lost", object_id=str(job.pk)).exists()


def test_files_of_old_finished_jobs_are_deleted_but_the_job_and_undo_stay(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(2))
    job = latest()
    client.post(f"/imports/{job.pk}/write/")
    job.refresh_from_db()
    assert job.status == Status.DONE and job.file
    path = job.file.path
    age(job, days=29)
    assert purge.purge()["files_purged"] == 0
    age(job, days=31)
    assert purge.purge()["files_purged"] == 1
    job.refresh_from_db()
    assert not job.file and job.status == Status.DONE and not os.path.exists(path)
    assert AuditEntry.objects.filter(action="imports.job.files_purged", object_id=str(job.pk)).exists()
    assert purge.purge()["files_purged"] == 0  # once
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    client.post(f"/imports/{job.pk}/undo/")
    job.refresh_from_db()
    assert job.status == Status.UNDONE and not Product.objects.exists()


def test_the_worker_purges_before_a_job_at_most_every_few_minutes(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(2))
    old = latest()
    age(old, days=3)
    cache.delete(purge.PURGE_KEY)  # ten minutes later: the first job's run purged last
    upload(client, register(2))  # the worker runs this job, and purges first
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    assert purge.maybe_purge() is None  # not again within PURGE_EVERY
