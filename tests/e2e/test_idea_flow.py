"""The path in through the commune, in a browser: a producer registers an idea, the commune officer returns it with a
reason, the producer resubmits, the officer accepts; the producer prepares the dossier and the officer forwards it."""

import pytest
from django.conf import settings as django_settings

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.models import AuditEntry
from core.reference import load_all_reference_data
from producers import services as producer_services
from products.choices import DossierStatus, IdeaStatus
from products.models import Dossier, ProductIdea

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REASON = "Chưa nêu rõ nguồn nguyên liệu tại xã."


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

    # The producer writes the plan, uploads the mandatory documents and submits the dossier.
    log_in(page, live_server, producer)
    open_idea(page, live_server, "Gạo tám Thanh Nưa")
    page.get_by_test_id("dossier-link").click()
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
    page.get_by_test_id("submit-dossier").click()
    assert page.get_by_test_id("dossier-status").inner_text() == "Đã nộp xã"

    # The officer checks it and forwards it to the province.
    log_in(page, live_server, officer)
    page.goto(live_server.url + "/ideas/")
    page.get_by_label("Hồ sơ", exact=True).select_option(label="Đã nộp xã")  # htmx swaps the table in place
    page.wait_for_url("**/ideas/?*dossier=submitted*")
    page.get_by_test_id("ideas").get_by_test_id("dossier-status").click()
    assert "Mở rộng lên 20 ha." in page.get_by_test_id("business-plan").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("item-business-registration").get_by_role("link").click()
    assert download.value.suggested_filename == "business-registration.pdf"
    page.get_by_test_id("forward-dossier").click()
    assert page.get_by_test_id("dossier-status").inner_text() == "Xã đã chuyển tỉnh"
    page.screenshot(path=str(django_settings.VAR_DIR / "e2e-dossier.png"), full_page=True)

    idea = ProductIdea.objects.get()
    assert idea.status == IdeaStatus.ACCEPTED
    assert Dossier.objects.get().status == DossierStatus.FORWARDED
    assert list(
        AuditEntry.objects.filter(object_type="products.productidea").order_by("pk").values_list("action", flat=True)
    ) == ["products.idea.registered", "products.idea.returned", "products.idea.resubmitted", "products.idea.accepted"]
