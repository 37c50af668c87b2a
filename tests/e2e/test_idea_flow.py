"""The path in through the commune, in a browser: a producer registers an idea, the commune officer returns it with a
reason, the producer resubmits, the officer accepts; the producer prepares the dossier, fills in Mẫu số 01 and 02 and
submits it; the commune records its receipt (its 15 working days show), writes its Mẫu số 03 report and forwards it
(26/2026/QĐ-TTg Điều 6.1, 7.1, 7.2)."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.models import AuditEntry
from core.reference import load_all_reference_data
from producers import services as producer_services
from products import dossier_rules, workflow
from products.choices import DossierStatus, IdeaStatus
from products.models import Dossier, ProductIdea

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REASON = "Chưa nêu rõ nguồn nguyên liệu tại xã."
RECEIPT_NO = "01-2026/PĐK-11-03328"
REPRESENTATIVE = "Lò Văn Thưởng"

# What the forms ask for and the record does not hold, by the printed labels (products/dossier_forms.py); a select
# is chosen by its option's value, a checkbox ticked with True.
MAU_01 = {
    "Họ tên người đại diện pháp lý": REPRESENTATIVE,
    "Chức vụ": "Giám đốc",
    "Địa chỉ liên hệ": "Bản Co Muông, xã Thanh Nưa, tỉnh Điện Biên",
    "Điện thoại": "0215 3824 111",
    "Nhóm sản phẩm đăng ký": "03",
    "Sản phẩm mẫu (số lượng)": "5",
}
MAU_02 = {
    "3. Địa chỉ": "Bản Co Muông, xã Thanh Nưa, tỉnh Điện Biên",
    "4. Điện thoại": "0215 3824 111",
    "5. Người đại diện pháp luật — Họ tên": REPRESENTATIVE,
    "Giới tính": "nam",
    "Dân tộc": "Thái",
    "Địa chỉ thường trú": "Bản Co Muông, xã Thanh Nưa",
    "6. Ngày thành lập/đăng ký kinh doanh": "2015-03-12",
    "7. Tên sản phẩm/dịch vụ": "Gạo tám thơm, túi 2 kg, TCCS 01:2024/HTXTN",
    "a) Giấy đăng ký kinh doanh": True,
    "b) Đã công bố chất lượng sản phẩm": True,
    "8. Lịch sử hình thành của chủ thể": "Thành lập năm 2015 từ tổ hợp tác trồng lúa tám.",
    "9. Cơ cấu tổ chức của chủ thể": "Hội đồng quản trị, ban kiểm soát, 42 thành viên.",
    "Tổ chức vùng nguyên liệu": "Vùng lúa 20 ha của thành viên; xay xát, đóng gói tại xưởng của HTX.",
    "Sự thay đổi về chất lượng sản phẩm": "Bao bì mới có tem truy xuất nguồn gốc.",
    "Thị trường phân phối sản phẩm": "Siêu thị trong tỉnh, Hà Nội.",
    "Kết quả sản xuất, kinh doanh": "Doanh thu 2,1 tỷ đồng, lợi nhuận 310 triệu đồng.",
    "Tự đánh giá kết quả (điểm số)": "Phần A: 32 điểm; Phần B: 18 điểm; Phần C: 25 điểm.",
    "Những định hướng, kế hoạch của chủ sở hữu": "Mở rộng vùng nguyên liệu lên 30 ha.",
}
MAU_03 = {
    "1. Về sử dụng nguyên liệu địa phương": "Lúa tám của 40 hộ thành viên trên cánh đồng Mường Thanh thuộc xã.",
    "2. Về sử dụng lao động địa phương": "15 lao động thường xuyên, đều thường trú tại xã.",
    "3. Nguồn gốc ý tưởng sản phẩm": "Sản phẩm truyền thống của đồng bào Thái.",
    "4. Bản sắc/trí tuệ địa phương": "Giống lúa tám bản địa, kinh nghiệm canh tác lâu đời.",
}


@pytest.fixture
def people(settings, tmp_path):
    # Browser tests run in a transactional database, emptied after each test: load what the flow needs.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    thanh_nua = get_unit("2025:03328")
    users = {}
    for username, role in (("chuthe.gao", Role.PRODUCER), ("canbo.thanhnua", Role.COMMUNE_OFFICER)):
        user = account_services.create_user(
            actor=None, username=username, password="pw-" + username, full_name=username
        )
        account_services.grant_membership(actor=None, user=user, role=role, area=thanh_nua)
        users[role] = user
    htx = producer_services.create_producer(
        actor=None, name="HTX Nông nghiệp Thanh Nưa", producer_type="htx", location=thanh_nua
    )
    htx.accounts.add(users[Role.PRODUCER])
    return users


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("pw-" + user.username)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def open_idea(page, live_server, name):
    page.goto(live_server.url + "/ideas/")
    page.get_by_test_id("ideas").get_by_role("link", name=name).click()
    page.get_by_role("heading", level=1, name=name).wait_for()


def fill_form(form, answers):
    """Answer a printed form by its labels, as a person would."""
    for label, value in answers.items():
        field = form.get_by_label(label)
        tag = field.evaluate("element => element.tagName.toLowerCase() + ':' + (element.type || '')")
        if tag.startswith("select"):
            field.select_option(value)
        elif tag == "input:checkbox":
            field.set_checked(value)
        else:
            field.fill(value)


def assert_pdf(page, live_server, testid):
    """The PDF link answers with a PDF, downloaded as an attachment with the reader's session."""
    response = page.request.get(live_server.url + page.get_by_test_id(testid).get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.body()[:5] == b"%PDF-"


def test_an_idea_goes_from_the_producer_through_the_commune_to_the_province(browser_page, live_server, people):
    page = browser_page
    producer, officer = people[Role.PRODUCER], people[Role.COMMUNE_OFFICER]

    # The producer registers an idea.
    log_in(page, live_server, producer)
    page.goto(live_server.url + "/ideas/")
    page.get_by_test_id("register-idea").click()
    form = page.get_by_test_id("idea-form")
    assert form.get_by_label("Chủ thể").input_value() != ""  # the one linked producer is chosen
    form.get_by_label("Tên sản phẩm dự kiến").fill("Gạo tám Thanh Nưa")
    form.get_by_label("Nhóm sản phẩm").select_option(label="Thực phẩm")
    form.get_by_label("Mô tả ý tưởng").fill("Gạo tám thơm của cánh đồng Mường Thanh, đóng túi 2 kg.")
    form.get_by_role("button", name="Gửi ý tưởng").click()
    assert page.get_by_test_id("idea-status").inner_text() == "Đã gửi, chờ xã sàng lọc"

    # The commune officer returns it with a reason.
    log_in(page, live_server, officer)
    open_idea(page, live_server, "Gạo tám Thanh Nưa")
    page.get_by_test_id("return-form").get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại ý tưởng").click()
    assert REASON in page.get_by_test_id("return-reason").inner_text()
    assert page.get_by_test_id("accept").count() == 0

    # The producer sees why, edits and resubmits.
    log_in(page, live_server, producer)
    page.goto(live_server.url + "/ideas/?status=returned")
    open_idea(page, live_server, "Gạo tám Thanh Nưa")
    assert REASON in page.get_by_test_id("return-reason").inner_text()
    page.get_by_test_id("resubmit").click()
    form = page.get_by_test_id("resubmit-form")
    form.get_by_label("Nguồn nguyên liệu").fill("Lúa tám của 40 hộ thành viên ở xã Thanh Nưa.")
    form.get_by_role("button", name="Gửi lại cho xã").click()
    assert page.get_by_test_id("idea-status").inner_text() == "Đã gửi, chờ xã sàng lọc"
    assert page.get_by_test_id("return-reason").count() == 0

    # The officer accepts: the product and its dossier exist.
    log_in(page, live_server, officer)
    open_idea(page, live_server, "Gạo tám Thanh Nưa")
    page.get_by_test_id("accept").click()
    assert page.get_by_test_id("idea-status").inner_text() == "Xã chấp nhận"
    page.get_by_test_id("dossier-link").click()
    assert page.get_by_test_id("dossier-status").inner_text() == "Đang chuẩn bị"

    # The producer writes the plan and uploads the mandatory documents.
    log_in(page, live_server, producer)
    open_idea(page, live_server, "Gạo tám Thanh Nưa")
    page.get_by_test_id("dossier-link").click()
    assert "26/2026/QĐ-TTg" in page.get_by_test_id("dossier-rules").inner_text()
    page.get_by_test_id("plan-form").get_by_label("Phương án sản xuất kinh doanh").fill("Mở rộng lên 20 ha.")
    page.get_by_role("button", name="Lưu phương án").click()
    upload = page.get_by_test_id("upload-form")
    for code in ("registration-form", "business-plan", "organisation", "business-registration"):
        upload = page.get_by_test_id("upload-form")
        upload.get_by_label("Loại giấy tờ").select_option(code)
        upload.get_by_label("Tệp").set_input_files(
            files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        upload.get_by_role("button", name="Tải lên").click()
        page.get_by_test_id(f"item-{code}").get_by_role("link", name=f"{code}.pdf").wait_for()
    assert page.get_by_test_id("missing").count() == 0

    # Without Mẫu số 01 and 02 the dossier cannot be submitted (26/2026 Điều 6.1).
    expect(page.get_by_test_id("form-mau-01")).to_contain_text("chưa điền")
    page.get_by_test_id("submit-dossier").click()
    expect(page.locator(".alert-danger")).to_contain_text("Chưa nộp được hồ sơ")
    expect(page.locator(".alert-danger")).to_contain_text("Mẫu số 01")
    assert page.get_by_test_id("dossier-status").inner_text() == "Đang chuẩn bị"

    # Mẫu số 01: what the system knows is filled in already; saving asks for the rest.
    page.get_by_test_id("fill-mau-01").click()
    form = page.get_by_test_id("printed-form-mau-01")
    assert form.get_by_label("Tên đơn vị").input_value() == "HTX Nông nghiệp Thanh Nưa"
    assert form.get_by_label("Tên sản phẩm").input_value() == "Gạo tám Thanh Nưa"
    form.get_by_role("button", name="Lưu Mẫu số 01").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    form = page.get_by_test_id("printed-form-mau-01")
    fill_form(form, MAU_01)
    expect(form.get_by_label("Nhóm sản phẩm đăng ký").locator("option:checked")).to_contain_text("Gạo")
    form.get_by_role("button", name="Lưu Mẫu số 01").click()
    expect(page.get_by_test_id("form-mau-01")).to_contain_text("đã điền")

    # Mẫu số 02, the self-assessment report.
    page.get_by_test_id("fill-mau-02").click()
    form = page.get_by_test_id("printed-form-mau-02")
    assert form.get_by_label("1. Tên chủ thể").input_value() == "HTX Nông nghiệp Thanh Nưa"
    fill_form(form, MAU_02)
    form.get_by_role("button", name="Lưu Mẫu số 02").click()
    expect(page.get_by_test_id("form-mau-02")).to_contain_text("đã điền")
    dossier = Dossier.objects.get()
    with page.expect_download() as download:
        page.get_by_test_id("pdf-mau-01").click()
    assert download.value.suggested_filename == f"mau-01-phieu-dang-ky-ho-so-{dossier.pk}.pdf"
    assert_pdf(page, live_server, "pdf-mau-02")

    # The producer submits the dossier.
    page.get_by_test_id("submit-dossier").click()
    assert page.get_by_test_id("dossier-status").inner_text() == "Đã nộp xã"
    assert page.get_by_test_id("fill-mau-01").count() == 0  # no longer editable once filed

    # The officer checks it; it cannot go to the province before the receipt and the Mẫu số 03 report.
    log_in(page, live_server, officer)
    page.goto(live_server.url + "/ideas/")
    page.get_by_label("Hồ sơ", exact=True).select_option(label="Đã nộp xã")  # htmx swaps the table in place
    page.wait_for_url("**/ideas/?*dossier=submitted*")
    page.get_by_test_id("ideas").get_by_test_id("dossier-status").click()
    assert "Mở rộng lên 20 ha." in page.get_by_test_id("business-plan").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("item-business-registration").get_by_role("link").click()
    assert download.value.suggested_filename == "business-registration.pdf"
    assert_pdf(page, live_server, "pdf-mau-01")  # the commune reads the producer's forms too
    assert_pdf(page, live_server, "pdf-mau-02")
    assert page.get_by_test_id("fill-mau-03").count() == 0  # the report follows the receipt
    page.get_by_test_id("forward-dossier").click()
    expect(page.locator(".alert-danger")).to_contain_text("Hãy ghi nhận ngày xã tiếp nhận hồ sơ")
    assert page.get_by_test_id("dossier-status").inner_text() == "Đã nộp xã"

    # The commune records its receipt (today, the default): its 15 working days run from it (Điều 7.2).
    receipt = page.get_by_test_id("receive-form")
    assert receipt.get_by_label("Ngày xã tiếp nhận hồ sơ").input_value() == workflow.today().isoformat()
    receipt.get_by_label("Phiếu số").fill(RECEIPT_NO)
    page.get_by_test_id("receive-dossier").click()
    expect(page.get_by_test_id("received-on")).to_contain_text(RECEIPT_NO)
    expected = dossier_rules.deadline_status(dossier_rules.commune_deadline(workflow.today()), workflow.today())
    assert expected.state == "open"
    deadline = page.get_by_test_id("commune-deadline")
    expect(deadline).to_contain_text(expected.text)
    assert re.search(r"còn \d+ ngày làm việc", deadline.inner_text())
    page.goto(live_server.url + "/ideas/")
    page.get_by_test_id("dossier-list-link").click()
    row = page.get_by_test_id("dossiers").get_by_role("row").filter(has_text="Gạo tám Thanh Nưa")
    expect(row.get_by_test_id("row-deadline")).to_contain_text(expected.text)
    row.get_by_role("link", name="Gạo tám Thanh Nưa").click()

    # Mẫu số 03: the general part comes from Mẫu số 02; the commune writes its assessment.
    page.get_by_test_id("fill-mau-03").click()
    form = page.get_by_test_id("printed-form-mau-03")
    assert form.get_by_label("4. Người đại diện pháp luật — Họ tên").input_value() == REPRESENTATIVE
    fill_form(form, MAU_03)
    form.get_by_role("button", name="Lưu Mẫu số 03").click()
    expect(page.get_by_test_id("form-mau-03")).to_contain_text("đã điền")
    with page.expect_download() as download:
        page.get_by_test_id("pdf-mau-03").click()
    assert download.value.suggested_filename == f"mau-03-bao-cao-cua-xa-ho-so-{dossier.pk}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The officer forwards it to the province, within the period.
    page.get_by_test_id("forward-dossier").click()
    assert page.get_by_test_id("dossier-status").inner_text() == "Xã đã chuyển tỉnh"
    expect(page.get_by_test_id("commune-deadline")).to_contain_text("đã xong trong thời hạn")
    page.screenshot(path=str(django_settings.VAR_DIR / "e2e-dossier.png"), full_page=True)

    # The product's page lists the dossier and leads to its post-recognition supervision (nothing recognised yet).
    page.get_by_test_id("dossier-facts").get_by_role("link", name="Gạo tám Thanh Nưa").click()
    expect(page.get_by_test_id("product-dossiers")).to_contain_text("Xã đã chuyển tỉnh")
    page.get_by_test_id("supervision-link").click()
    expect(page.locator("h1")).to_contain_text("Kiểm tra, giám sát sau công nhận: Gạo tám Thanh Nưa")

    idea = ProductIdea.objects.get()
    assert idea.status == IdeaStatus.ACCEPTED
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.FORWARDED
    assert dossier.submitted_on == dossier.received_on == dossier.forwarded_on == workflow.today()
    assert dossier.receipt_no == RECEIPT_NO and dossier.received_by == officer
    assert dossier.registration_form["chuc_vu"] == "Giám đốc"
    assert dossier.self_assessment["dai_dien_dan_toc"] == "Thái"
    assert dossier.commune_report["lao_dong"] == MAU_03["2. Về sử dụng lao động địa phương"]
    assert list(
        AuditEntry.objects.filter(object_type="products.productidea").order_by("pk").values_list("action", flat=True)
    ) == ["products.idea.registered", "products.idea.returned", "products.idea.resubmitted", "products.idea.accepted"]
    steps = [
        "products.dossier.registration_form_saved",
        "products.dossier.self_assessment_saved",
        "products.dossier.submitted",
        "products.dossier.received",
        "products.dossier.commune_report_saved",
        "products.dossier.forwarded",
    ]
    actions = AuditEntry.objects.filter(object_type="products.dossier").order_by("pk").values_list("action", flat=True)
    assert [action for action in actions if action in steps] == steps
