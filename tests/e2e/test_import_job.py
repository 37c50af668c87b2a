"""A province officer imports a register of 300 rows through the page (issue 13): the file has an unknown heading
(mapped on the job page, the mapping saved for the province) and three invalid rows; the dry run runs in the real
database worker (a thread here) with a live progress bar that survives a reload; the error workbook is downloaded and
read back; the valid rows are written; the history lists the import."""

import io
import threading
import time

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from imports import progress
from imports.models import ImportJob, SavedMapping, Status
from products.models import Product
from tests.e2e.test_ntm_flow import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS, BAD = 300, {10, 150, 299}
HEADINGS = ["product", "producer", "producer_type", "province", "district", "commune", "group", "Sao đạt được"]
HEADINGS += ["decision_no", "decision_date"]


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for i in range(ROWS):
        stars = 7 if i in BAD else 3
        sheet.append(
            [f"Gạo số {i}", "HTX Thanh Hưng", "htx", "Điện Biên", "Điện Biên", "Thanh Hưng", "thuc-pham", stars]
            + ["1/QĐ-UBND", "01/03/2022"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def officer():
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    user = account_services.create_user(actor=None, username="canbo.tinh", password="pw-canbo.tinh", full_name="Cán bộ")
    account_services.grant_membership(actor=None, user=user, role=Role.PROVINCE_OFFICER, area=get_unit("2025:11"))
    return user


@pytest.fixture
def worker(settings):
    """The database backend and its worker, in a thread of the live server's process: started when the test says."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    stop, go = threading.Event(), threading.Event()

    def loop():
        go.wait()
        while not stop.is_set():
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="e2e",
                excluded_queue_names=[],
            ).run()
            time.sleep(0.2)
        connections.close_all()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield go
    stop.set()
    go.set()
    thread.join(timeout=30)


def test_a_register_imports_through_a_job_with_mapping_progress_errors_and_valid_rows(
    browser_page, live_server, officer, worker, monkeypatch
):
    slow = progress.write

    def visible_progress(job_id, stage, done, total):  # each progress step lasts long enough for the page to see it
        slow(job_id, stage, done, total)
        time.sleep(1.2)

    monkeypatch.setattr(progress, "write", visible_progress)
    page = browser_page
    log_in(page, live_server, officer)
    page.goto(live_server.url + "/register/import/")
    page.get_by_label("Loại tệp").select_option("register")
    page.get_by_label("Tệp CSV (UTF-8) hoặc XLSX").set_input_files(
        files=[{"name": "so-2022.xlsx", "mimeType": "application/octet-stream", "buffer": workbook_bytes()}]
    )
    page.get_by_role("button", name="Kiểm tra và xem trước").click()

    # Queued: the progress bar is there, and still there after a reload; then the worker starts.
    expect(page.get_by_test_id("progress")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("progress")).to_be_visible()
    worker.set()

    # The unknown heading stops the dry run at the mapping step, with the first rows shown.
    form = page.get_by_test_id("mapping-form")
    expect(form).to_be_visible(timeout=30000)
    expect(form).to_contain_text("Gạo số 0")
    form.get_by_test_id("map-Sao đạt được").select_option(label="Số sao")
    form.get_by_label("Lưu cách ghép cột này cho tỉnh").check()
    form.get_by_test_id("apply-mapping").click()

    # The dry run's progress is shown as it goes, up to every row validated.
    expect(page.get_by_test_id("progress-count")).to_have_text(f"{ROWS}/{ROWS}", timeout=30000)
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text(f"{ROWS} dòng: {ROWS - len(BAD)} hợp lệ, {len(BAD)} lỗi", timeout=30000)
    expect(page.get_by_test_id("errors")).to_contain_text("stars")
    assert SavedMapping.objects.get().mapping == {"Sao đạt được": "stars"}
    assert not Product.objects.exists()

    with page.expect_download() as download:
        page.get_by_test_id("error-file").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Lỗi / Cảnh báo")
    flagged = [i - 1 for i, row in enumerate(rows[1:], start=1) if row[column]]
    assert flagged == sorted(BAD) and all("Sao đạt được: '7'" in rows[i + 1][column] for i in BAD)

    page.get_by_role("button", name=f"Ghi {ROWS - len(BAD)} dòng hợp lệ, bỏ qua {len(BAD)} dòng lỗi").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Đã ghi", timeout=60000)
    assert Product.objects.count() == ROWS - len(BAD)
    job = ImportJob.objects.get()
    assert job.status == Status.DONE and job.invalid_rows == len(BAD)

    page.goto(live_server.url + "/imports/")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("so-2022.xlsx")
    expect(history).to_contain_text("Đã ghi")
