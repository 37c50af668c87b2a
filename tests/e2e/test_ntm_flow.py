"""The NTM yearly assessment in a browser: a commune officer fills in the year's criteria and submits; a province
officer approves; the commune officer sees the form locked, with who approved it and when."""

import pytest

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from ntm.models import Assessment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    # Browser tests run in a transactional database, emptied after each test: load what the flow needs.
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


def test_commune_fills_in_submits_province_approves_commune_sees_lock(browser_page, live_server, people):
    page = browser_page
    commune_officer, province_officer = people[Role.COMMUNE_OFFICER], people[Role.PROVINCE_OFFICER]

    log_in(page, live_server, commune_officer)
    page.goto(live_server.url + "/ntm/commune/2025:03328/")
    page.get_by_label("Năm đánh giá").fill("2025")
    page.get_by_role("button", name="Nhập / mở kết quả tự đánh giá").click()
    page.get_by_role("heading", level=1, name="Tự đánh giá tiêu chí nông thôn mới: Xã Thanh Nưa, năm 2025").wait_for()
    for label in ("1. Quy hoạch", "2. Giao thông", "4. Điện", "19. Quốc phòng và An ninh"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Minh chứng, ghi chú — tiêu chí 1", exact=True).fill("Quy hoạch chung xã được phê duyệt năm 2023")
    page.get_by_test_id("submit").click()
    page.get_by_text("Đã gửi kết quả lên tỉnh.").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Đã gửi tỉnh"

    assessment = Assessment.objects.get(commune__scheme="2025", commune__code="03328", year=2025)
    assert assessment.criteria_met == 4

    log_in(page, live_server, province_officer)
    page.goto(live_server.url + f"/ntm/assessments/{assessment.pk}/")
    page.get_by_test_id("approve").click()
    page.get_by_text("Đã duyệt và khóa kết quả.").wait_for()

    log_in(page, live_server, commune_officer)
    page.goto(live_server.url + f"/ntm/assessments/{assessment.pk}/")
    lock = page.get_by_test_id("lock-reason").inner_text()
    assert "Cán bộ canbo.tinh" in lock and "duyệt" in lock
    assert page.get_by_test_id("status").inner_text() == "Đã duyệt (khóa)"
    assert page.get_by_test_id("submit").count() == 0
    assert page.get_by_label("1. Quy hoạch", exact=True).is_checked()
    assert page.get_by_label("1. Quy hoạch", exact=True).is_disabled()
