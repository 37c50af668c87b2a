import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.roles import Role
from certification.models import Certificate
from conftest import make_user
from core.models import AuditEntry
from imports import progress, services
from imports.models import ImportJob, Mode, SavedMapping, Status
from products.models import Product

pytestmark = pytest.mark.django_db

HEAD = "product,producer,producer_type,province,district,commune,group,stars,decision_no,decision_date"
ROW = "{name},HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,{stars},1/QĐ-UBND,01/03/2022"


def register(n=3, bad=(), head=HEAD):
    rows = [ROW.format(name=f"Gạo {i}", stars=7 if i in bad else 3) for i in range(n)]
    return "\n".join([head, *rows]) + "\n"


def upload(client, text, name="so.csv", kind="register"):
    return client.post("/register/import/", {"kind": kind, "file": SimpleUploadedFile(name, text.encode())})


def latest():
    return ImportJob.objects.latest("pk")


def test_upload_queues_a_dry_run_whose_page_shows_the_result_and_writes_nothing(client, province_officer):
    client.force_login(province_officer)
    response = upload(client, register(3))
    job = latest()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    assert (job.status, job.mode, job.rows_total, job.invalid_rows) == (Status.VALIDATED, Mode.DRY_RUN, 3, 0)
    assert job.area.area_id.code == "11" and job.created_by == province_officer
    page = client.get(response.url).content.decode()
    assert "Sản phẩm: 3 tạo mới" in page and 'data-testid="write-all"' in page and "Sửa tệp và tải lại" in page
    assert not Product.objects.exists()


def test_writing_after_the_dry_run_writes_every_row_once(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(3))
    job = latest()
    assert client.post(f"/imports/{job.pk}/write/").status_code == 302
    job.refresh_from_db()
    assert (job.status, job.mode) == (Status.DONE, Mode.WRITE) and Certificate.objects.count() == 3
    page = client.post(f"/imports/{job.pk}/write/", follow=True).content.decode()  # a second click
    assert "thao tác không còn áp dụng" in page and Certificate.objects.count() == 3


def test_invalid_rows_are_listed_and_only_the_valid_ones_written_when_chosen(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(5, bad={1, 3}))
    job = latest()
    assert (job.rows_total, job.invalid_rows, job.valid_rows) == (5, 2, 3)
    assert sorted(e["row"] for e in job.errors) == [3, 5] and {e["column"] for e in job.errors} == {"stars"}
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Ghi 3 dòng hợp lệ, bỏ qua 2 dòng lỗi" in page and 'data-testid="write-all"' not in page
    refused = client.post(f"/imports/{job.pk}/write/", follow=True).content.decode()  # without choosing to skip
    assert "Tệp còn 2 dòng lỗi" in refused and not Product.objects.exists()
    client.post(f"/imports/{job.pk}/write/", {"skip_invalid": "1"})
    job.refresh_from_db()
    assert job.status == Status.DONE and Product.objects.count() == 3
    assert sorted(e["row"] for e in job.errors) == [3, 5]


def test_the_error_workbook_is_kept_and_downloaded(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(3, bad={2}))
    job = latest()
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    problem_column = cells[0].index("Lỗi / Cảnh báo")
    assert "stars" in str(cells[3][problem_column]) and not cells[2][problem_column]


def test_a_failed_write_says_why_and_writes_nothing(client, province_officer, monkeypatch):
    client.force_login(province_officer)
    upload(client, register(2))
    job = latest()
    job.file.save("so.csv", io.BytesIO(register(2, bad={0}).encode()), save=True)  # the file changed meanwhile
    client.post(f"/imports/{job.pk}/write/")
    job.refresh_from_db()
    assert job.status == Status.FAILED and "không có gì được ghi" in job.reason
    assert not Product.objects.exists()
    assert "không có gì được ghi" in client.get(f"/imports/{job.pk}/").content.decode()


def test_cancel_from_the_progress_callback_rolls_the_write_back(client, province_officer, monkeypatch):
    client.force_login(province_officer)
    upload(client, register(3))
    job = latest()
    calls = []
    original = progress.write

    def cancel_on_write(job_id, stage, done, total):
        calls.append(stage)
        original(job_id, stage, done, total)
        if stage == "write":
            progress.request_cancel(job_id)  # "Hủy" pressed while rows are being written

    monkeypatch.setattr(progress, "write", cancel_on_write)
    client.post(f"/imports/{job.pk}/write/")
    job.refresh_from_db()
    assert "write" in calls and job.status == Status.CANCELLED and "không có gì được ghi" in job.reason
    assert not Product.objects.exists() and not Certificate.objects.exists()


def test_cancel_of_a_queued_job_ends_it_and_a_finished_one_is_refused(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(2))
    job = latest()
    page = client.post(f"/imports/{job.pk}/cancel/", follow=True).content.decode()
    assert "không còn áp dụng" in page
    ImportJob.objects.filter(pk=job.pk).update(status=Status.QUEUED)
    client.post(f"/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and "trước khi chạy" in job.reason
    progress.clear(job.pk)


def test_pages_and_files_follow_permission_and_scope(client, province_officer, other_province_officer, commune_officer):
    client.force_login(province_officer)
    upload(client, register(2, bad={0}))
    job = latest()
    client.force_login(other_province_officer)
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/errors.xlsx"):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/{job.pk}/write/", {"skip_invalid": "1"}).status_code == 404
    assert "so.csv" not in client.get("/imports/").content.decode()
    # a commune officer runs imports of their own (plan lines, monitoring reports) but never sees the province's
    client.force_login(commune_officer)
    history = client.get("/imports/")
    assert history.status_code == 200 and "so.csv" not in history.content.decode()
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    client.force_login(make_user("imports.viewer", Role.VIEWER, "2025:11"))
    assert client.get("/imports/").status_code == 403
    assert not Product.objects.exists()


def test_history_lists_the_jobs_in_constant_queries(client, province_officer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_officer)
    upload(client, register(1))
    connection.queries_log.clear()  # the import ran thousands of queries: the log is full
    with CaptureQueriesContext(connection) as one:
        client.get("/imports/")
    first = len(one.captured_queries)
    for _i in range(4):
        upload(client, register(1))
    connection.queries_log.clear()
    with django_assert_max_num_queries(first):
        page = client.get("/imports/").content.decode()
    assert page.count(">so.csv</a>") == 5 and "Đã kiểm tra" in page


def test_undo_deletes_what_a_job_created_with_an_audit_entry(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(2))
    job = latest()
    client.post(f"/imports/{job.pk}/write/")
    assert Product.objects.count() == 2 and Certificate.objects.count() == 2
    assert 'data-testid="undo"' in client.get(f"/imports/{job.pk}/").content.decode()
    client.post(f"/imports/{job.pk}/undo/")
    job.refresh_from_db()
    assert job.status == Status.UNDONE and not Product.objects.exists() and not Certificate.objects.exists()
    entry = AuditEntry.objects.get(action="imports.job.undone")
    assert entry.after["deleted"]["products.product"] == 2


def test_undo_is_refused_when_a_newer_job_is_done_or_a_created_row_was_changed(client, province_officer):
    from products.services import update_product

    client.force_login(province_officer)
    upload(client, register(1))
    first = latest()
    client.post(f"/imports/{first.pk}/write/")
    upload(client, register(2).replace("Gạo 0", "Gạo khác"))
    second = latest()
    client.post(f"/imports/{second.pk}/write/")
    page = client.post(f"/imports/{first.pk}/undo/", follow=True).content.decode()
    assert "lần nhập cùng loại mới hơn" in page and Product.objects.count() == 3
    product = Product.objects.get(name="Gạo khác")
    update_product(actor=province_officer, product=product, name="Gạo khác nữa")
    page = client.post(f"/imports/{second.pk}/undo/", follow=True).content.decode()
    assert "đã được sửa sau đó" in page and Product.objects.count() == 3


def test_undo_is_refused_for_a_job_that_changed_existing_rows(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(1))
    client.post(f"/imports/{latest().pk}/write/")
    upload(client, register(1).replace(",3,1/QĐ", ",4,1/QĐ"))  # the same certificate, corrected to 4 stars
    job = latest()
    client.post(f"/imports/{job.pk}/write/")
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert "chỉ hoàn tác được lần nhập chỉ tạo mới" in services.undo_refusal(job)


def test_unknown_headings_open_the_mapping_step_and_a_saved_mapping_is_reused(client, province_officer):
    client.force_login(province_officer)
    head = HEAD.replace("stars", "Sao đạt được").replace("product", "Ghi chú X,product")
    text = "\n".join([head, *(f"x{i}," + ROW.format(name=f"Gạo {i}", stars=3) for i in range(2))]) + "\n"
    upload(client, text)
    job = latest()
    assert job.status == Status.NEEDS_MAPPING and job.missing == ["stars"]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="mapping-form"' in page and "Sao đạt được" in page and "Gạo 0" in page
    index = {h["text"]: i for i, h in enumerate(job.headings)}
    client.post(
        f"/imports/{job.pk}/mapping/",
        {f"map-{index['Sao đạt được']}": "stars", f"map-{index['Ghi chú X']}": "-", "save": "1"},
    )
    job.refresh_from_db()
    assert job.status == Status.VALIDATED and job.rows_total == 2 and job.invalid_rows == 0
    assert job.mapping == {"Sao đạt được": "stars", "Ghi chú X": "-"}
    saved = SavedMapping.objects.get(kind="register", area=job.area)
    upload(client, text, name="lan-hai.csv")
    again = latest()
    assert again.status == Status.VALIDATED and again.saved_mapping == saved
    assert "cách ghép cột đã lưu" in client.get(f"/imports/{again.pk}/").content.decode()


def test_a_mapping_to_an_unknown_field_is_refused(client, province_officer):
    client.force_login(province_officer)
    upload(client, register(1, head=HEAD.replace("stars", "Mức đạt")))
    job = latest()
    page = client.post(f"/imports/{job.pk}/mapping/", {"map-7": "sao"}, follow=True).content.decode()
    assert "không có trường" in page
    job.refresh_from_db()
    assert job.status == Status.NEEDS_MAPPING


def test_ntm_and_revocations_run_as_jobs_too(client, province_officer):
    from ntm.demo import demo_csv

    client.force_login(province_officer)
    client.post("/ntm/import/", {"file": SimpleUploadedFile("ntm.csv", demo_csv())})
    job = latest()
    assert job.kind == "ntm" and job.status == Status.VALIDATED and job.rows_total > 0
    upload(
        client,
        "product,producer,province,decision_no,decision_date\nX,Y,Điện Biên,2/QĐ,01/03/2023\n",
        kind="revocations",
    )
    job = latest()
    assert job.kind == "revocations" and job.status == Status.VALIDATED and job.invalid_rows == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(reference_data, province_officer, settings):
    """The real backend: the upload only queues; `db_worker --batch` runs the dry run, then the write."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    job = services.start_import(
        actor=province_officer, kind_key="register", upload=SimpleUploadedFile("so.csv", register(2).encode())
    )
    assert job.status == Status.QUEUED and DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    assert job.status == Status.VALIDATED and job.rows_total == 2
    services.request_write(actor=province_officer, job=job, skip_invalid=False)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and not Product.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    assert job.status == Status.DONE and Product.objects.count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
