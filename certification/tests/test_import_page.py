import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import Certificate

pytestmark = pytest.mark.django_db

GOOD = (
    "product,producer,producer_type,province,district,commune,group,stars,decision_no,decision_date\n"
    "Gạo tám,HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,3,1/QĐ-UBND,01/03/2022\n"
)


def upload(client, text, name="r.csv", kind="register"):
    """The upload queues a dry run (run inline by the tests' task backend) and leads to its job page."""
    return client.post(
        "/register/import/", {"kind": kind, "file": SimpleUploadedFile(name, text.encode())}, follow=True
    )


def test_preview_then_confirm(client, province_officer):
    client.force_login(province_officer)
    response = upload(client, GOOD)
    page = response.content.decode()
    assert "Sản phẩm: 1 tạo mới" in page and "tạo sản phẩm mới" in page
    assert not Certificate.objects.exists()
    write = response.redirect_chain[-1][0] + "write/"
    assert client.post(write).status_code == 302 and Certificate.objects.count() == 1
    assert client.post(write).status_code == 302  # second confirm: refused, nothing more
    assert Certificate.objects.count() == 1


def test_errors_are_listed_with_row_and_column_and_nothing_is_written(client, province_officer):
    client.force_login(province_officer)
    page = upload(client, GOOD.replace(",3,", ",7,")).content.decode()
    assert "<td>2</td><td><code>stars</code></td>" in page.replace("\n", "")
    assert 'data-testid="write-all"' not in page and not Certificate.objects.exists()


def test_a_fake_xlsx_and_other_files_are_refused(client, province_officer):
    client.force_login(province_officer)
    assert "XLSX thật" in upload(client, "not a zip", name="r.xlsx").content.decode()
    assert "Chỉ nhận tệp" in upload(client, GOOD, name="r.pdf").content.decode()


def test_only_officers_who_manage_certification_may_import(client, commune_officer):
    client.force_login(commune_officer)
    assert client.get("/register/import/").status_code == 403


def test_the_preview_shows_the_warnings_of_rows_imported_all_the_same(client, province_officer):
    client.force_login(province_officer)
    text = GOOD.replace(",htx,", ",,")  # the type comes from the producer's name "HTX Thanh Hưng"
    page = upload(client, text).content.decode().replace("\n", "")
    assert 'data-testid="warnings"' in page and 'data-testid="write-all"' in page
    assert "<td>2</td><td><code>producer_type</code></td><td>chưa ghi loại hình: theo tên chủ thể là Hợp tác xã" in page
