"""In a browser: the commune officer reaches this year's NTM form in one click from the home page; the province sees
it waiting, returns it with a reason; the commune officer finds it first on the home page and reads the reason on the
form itself, and the bell counts the notification."""

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from ntm import services as ntm_services
from ntm.models import Assessment
from tests.e2e.conftest import browser_page  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    users = {}
    for username, role, area in (
        ("canbo.thanhnua", Role.COMMUNE_OFFICER, "2025:03328"),
        ("canbo.tinh", Role.PROVINCE_OFFICER, "2025:11"),
    ):
        user = account_services.create_user(
            actor=None, username=username, password="pw-" + username, full_name=f"Cán bộ {username}"
        )
        account_services.grant_membership(actor=None, user=user, role=role, area=get_unit(area))
        users[role] = user
    return users


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("pw-" + user.username)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()


def test_the_home_to_do_list_leads_each_person_to_their_turn(browser_page, live_server, people):  # noqa: F811
    page = browser_page
    year = timezone.localdate().year
    commune_officer, province_officer = people[Role.COMMUNE_OFFICER], people[Role.PROVINCE_OFFICER]

    log_in(page, live_server, commune_officer)
    page.goto(live_server.url + "/")
    page.get_by_test_id("todo").get_by_role("button", name=f"Phiếu tự đánh giá NTM năm {year} chưa nộp").click()
    page.get_by_role(
        "heading", level=1, name=f"Tự đánh giá tiêu chí nông thôn mới: Xã Thanh Nưa, năm {year}"
    ).wait_for()
    page.get_by_test_id("submit").click()
    page.get_by_text("Đã gửi kết quả lên tỉnh.").wait_for()
    assessment = Assessment.objects.get(commune__scheme="2025", commune__code="03328", year=year)

    log_in(page, live_server, province_officer)
    page.goto(live_server.url + "/")
    assert page.get_by_test_id("todo").get_by_role("link", name=f"1 phiếu NTM năm {year} chờ duyệt").is_visible()
    ntm_services.return_assessment(actor=province_officer, assessment=assessment, reason="Thiếu minh chứng tiêu chí 1")

    log_in(page, live_server, commune_officer)
    page.goto(live_server.url + "/")
    first = page.get_by_test_id("todo-item").first
    assert first.inner_text().strip() == f"Phiếu tự đánh giá NTM năm {year} bị tỉnh trả lại, cần sửa và gửi lại"
    first.get_by_role("link").click()
    reason = page.get_by_test_id("return-reason")
    reason.wait_for()
    assert "Thiếu minh chứng tiêu chí 1" in reason.inner_text()
