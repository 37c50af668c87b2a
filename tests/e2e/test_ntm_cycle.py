"""The NTM cycle in a browser, with no command and no /admin/: on the reference data and one province officer's
account, the Điện Biên office creates a commune officer's account (the person sets a password through the one-time
link); the commune officer finds this year's self-assessment on the home page, opens it in one click, fills it in on
a phone and sends it; the office, told by a notification and its to-do list, returns it with a reason; the commune
reads the reason on the form, corrects and resends; the office approves (the form locks), records the recognition
decision and closes the year's reporting period; the commune's status in the NTM report, the reporting list and the
commune page says so. Each person is told at each step (notifications), and the form they need is one click from
their home page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from tests.e2e.test_accounts import PHONE, WIDE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER, OFFICER_PASSWORD, OFFICER_NAME = "vp.ntm.dienbien", "Van-Phong-NTM-2026", "Văn phòng điều phối NTM Điện Biên"
COMMUNE_OFFICER, COMMUNE_PASSWORD, COMMUNE_NAME = "lo.van.phang", "Ban-Co-Muong-2026-xa", "Lò Văn Phăng"
COMMUNE = "Xã Mường Phăng"
REASON = "Tiêu chí 8 chưa có minh chứng thu gom rác thải ở các bản."
DECISION_NO = "1234/QĐ-UBND"


@pytest.fixture
def office():
    """The reference data and the one account made in Python: the province office."""
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    officer = account_services.create_user(
        actor=None, username=OFFICER, password=OFFICER_PASSWORD, full_name=OFFICER_NAME
    )
    account_services.grant_membership(actor=None, user=officer, role=Role.PROVINCE_OFFICER, area=get_unit("2025:11"))
    return officer


class Person:
    """One person at the browser: logs in, follows their to-do list, reads their notifications."""

    def __init__(self, page, base, username, password, size):
        self.page, self.base, self.username, self.password, self.size = page, base, username, password, size

    def arrives(self):
        self.page.context.clear_cookies()
        self.page.set_viewport_size(WIDE)  # log_in waits for the user menu, folded behind the menu button on a phone
        log_in(self.page, self.base, self.username, self.password)
        self.page.set_viewport_size(self.size)
        return self

    def todo(self, text):
        """Follows the home page's to-do item holding `text` (a link, or a button that opens a new form)."""
        self.page.goto(self.base + "/")
        item = self.page.get_by_test_id("todo-item").filter(has_text=text)
        expect(item).to_have_count(1)
        item.get_by_role("link").or_(item.get_by_role("button")).click()

    def no_todo(self, text):
        self.page.goto(self.base + "/")
        expect(self.page.get_by_test_id("todo")).to_be_visible()
        expect(self.page.get_by_test_id("todo-item").filter(has_text=text)).to_have_count(0)

    def notified(self, text, count=1):
        """`count` unread notifications hold `text`, and the bell counts them."""
        self.page.goto(self.base + "/notifications/")
        unread = self.page.get_by_test_id("notifications").get_by_test_id("unread").filter(has_text=text)
        expect(unread).to_have_count(count)
        expect(self.page.get_by_test_id("notifications-bell")).to_contain_text("chưa đọc")

    def says(self, text):
        expect(self.page.locator(".alert-success").filter(has_text=text)).to_be_visible()

    def fits(self):
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow} px"


def test_the_ntm_cycle_through_the_browser_only(browser_page, live_server, office):
    page, base = browser_page, live_server.url
    year = timezone.localdate().year
    province = Person(page, base, OFFICER, OFFICER_PASSWORD, WIDE).arrives()

    # the office creates the commune officer's account; the area is picked by name, without accents
    page.goto(base + "/accounts/users/")
    page.get_by_role("link", name="Tạo tài khoản").first.click()
    form = page.get_by_test_id("account-form")
    form.get_by_label("Họ và tên").fill(COMMUNE_NAME)
    form.get_by_label("Tên đăng nhập").fill(COMMUNE_OFFICER)
    form.get_by_label("Vai trò").select_option(label="Cán bộ xã")
    form.get_by_label("Tìm địa bàn").fill("muong phang")
    area = form.get_by_label("Địa bàn", exact=True)
    expect(area.locator("option", has_text=f"{COMMUNE} (Tỉnh Điện Biên)")).to_have_count(1)
    area.select_option(label=f"{COMMUNE} (Tỉnh Điện Biên)")
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMUNE_NAME)
    link = page.get_by_test_id("password-link").input_value()

    # the commune officer, on a phone, sets a password through the link
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(link)
    page.get_by_label("Mật khẩu mới", exact=True).fill(COMMUNE_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(COMMUNE_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã đặt mật khẩu")
    commune = Person(page, base, COMMUNE_OFFICER, COMMUNE_PASSWORD, PHONE).arrives()

    # this year's form is one click from the home page; the officer ticks what the commune meets and sends it
    commune.todo(f"Phiếu tự đánh giá NTM năm {year} chưa nộp")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Tự đánh giá tiêu chí nông thôn mới: {COMMUNE}, năm {year}"
    )
    for number in range(1, 8):
        page.get_by_label(re.compile(rf"^{number}\. ")).check()
    page.get_by_label("Minh chứng, ghi chú — tiêu chí 1", exact=True).fill("Quy hoạch chung xã được duyệt năm 2025")
    page.get_by_label("Ghi chú chung").fill("Tiêu chí 8–10 đang hoàn thiện.")
    commune.fits()
    page.get_by_test_id("submit").click()
    commune.says("Đã gửi kết quả lên tỉnh.")
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi tỉnh")
    commune.no_todo(f"Phiếu tự đánh giá NTM năm {year}")

    # the office is told, finds it waiting first on the reporting list, and returns it with a reason
    province.arrives()
    province.notified(f"Phiếu tự đánh giá nông thôn mới chờ duyệt: {COMMUNE}, năm {year}")
    province.todo(f"1 phiếu NTM năm {year} chờ duyệt")
    first = page.get_by_test_id("completeness").locator("tbody tr").first
    expect(first).to_contain_text(COMMUNE)
    expect(first).to_contain_text("Đã gửi, chờ duyệt")
    first.get_by_test_id("assessment-link").click()
    expect(page.get_by_test_id("evidence").first).to_have_text("Quy hoạch chung xã được duyệt năm 2025")
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại xã").click()
    province.says("Đã trả lại kết quả cho xã.")
    expect(page.get_by_test_id("status")).to_have_text("Đang nhập")

    # the commune reads the province's reason on the form itself, corrects and resends
    commune.arrives()
    commune.notified(f"Phiếu tự đánh giá nông thôn mới bị tỉnh trả lại: {COMMUNE}, năm {year}")
    commune.todo(f"Phiếu tự đánh giá NTM năm {year} bị tỉnh trả lại, cần sửa và gửi lại")
    expect(page.get_by_test_id("return-reason-text")).to_have_text(REASON)
    expect(page.get_by_test_id("return-reason")).to_contain_text(OFFICER_NAME)
    for number in (8, 9, 10):
        page.get_by_label(re.compile(rf"^{number}\. ")).check()
    page.get_by_label("Minh chứng, ghi chú — tiêu chí 8", exact=True).fill("Biên bản kiểm tra thu gom rác ở 12 bản")
    page.get_by_test_id("submit").click()
    commune.says("Đã gửi kết quả lên tỉnh.")
    expect(page.get_by_text("10 tiêu chí đạt")).to_be_visible()

    # the office approves: the form locks
    province.arrives()
    province.notified(f"Phiếu tự đánh giá nông thôn mới chờ duyệt: {COMMUNE}, năm {year}", count=2)
    province.todo(f"1 phiếu NTM năm {year} chờ duyệt")
    page.get_by_test_id("completeness").locator("tbody tr").first.get_by_test_id("assessment-link").click()
    page.get_by_test_id("approve").click()
    province.says("Đã duyệt và khóa kết quả.")
    expect(page.get_by_test_id("status")).to_have_text("Đã duyệt (khóa)")
    expect(page.get_by_test_id("lock-reason")).to_contain_text(OFFICER_NAME)

    # and records the province's recognition decision on the commune's page
    page.get_by_role("navigation", name="Vị trí").get_by_role("link", name=COMMUNE).click()
    page.get_by_text("Ghi quyết định công nhận", exact=True).click()
    decision = page.get_by_test_id("recognition-form")
    decision.get_by_label("Mức công nhận").select_option(label="Xã đạt chuẩn nông thôn mới")
    decision.get_by_label("Số quyết định").fill(DECISION_NO)
    decision.get_by_label("Ngày quyết định").fill(timezone.localdate().isoformat())
    decision.get_by_role("button", name="Ghi").click()
    province.says("Đã ghi quyết định công nhận.")
    expect(page.get_by_test_id("recognitions")).to_contain_text(DECISION_NO)
    expect(page.get_by_test_id("standing")).to_contain_text("Đạt chuẩn")
    expect(page.get_by_test_id("standing")).to_contain_text("10 tiêu chí đạt")

    # the year's report, for the province picked by name: the commune counts as recognised with its 10 criteria
    page.get_by_role("link", name="Nông thôn mới").first.click()
    report = page.get_by_test_id("report-form")
    report.get_by_label("Năm").fill(str(year))
    box = report.get_by_label("Địa bàn")
    box.fill("")
    box.press_sequentially("tinh dien bien", delay=20)
    option = report.locator('datalist option[value$="[2025:11]"]')
    option.wait_for(state="attached")
    box.fill(option.get_attribute("value"))
    report.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("report-title")).to_have_text(f"Tỉnh Điện Biên · năm {year}")
    expect(page.locator('[data-figure="recognized-cumulative:dat-chuan"]')).to_have_text("1")
    row = page.get_by_test_id("children").locator("tr").filter(has_text=COMMUNE)
    expect(row).to_contain_text("Đạt chuẩn")
    expect(row.locator("td.num")).to_have_text("10")
    page.get_by_role("link", name="Tình hình báo cáo").click()
    expect(page.get_by_test_id("completeness").locator("tr").filter(has_text=COMMUNE)).to_contain_text("Đã duyệt")
    province.fits()
    page.get_by_role("button", name=f"Khóa kỳ báo cáo năm {year} của Tỉnh Điện Biên").click()  # the year is closed
    province.says(f"Đã khóa kỳ báo cáo năm {year}.")

    # the commune is told; its form is locked and its to-do list has nothing left for NTM this year
    commune.arrives()
    commune.no_todo(f"Phiếu tự đánh giá NTM năm {year}")
    commune.notified(f"Phiếu tự đánh giá nông thôn mới đã được duyệt: {COMMUNE}, năm {year}")
    page.get_by_role("link", name=re.compile(f"đã được duyệt: {COMMUNE}")).click()
    expect(page.get_by_test_id("lock-reason")).to_contain_text(f"được {OFFICER_NAME} duyệt")
    expect(page.get_by_test_id("lock-reason")).to_contain_text(f"Kỳ báo cáo năm {year} của Tỉnh Điện Biên")
    expect(page.get_by_test_id("submit")).to_have_count(0)
    expect(page.get_by_label("8. Môi trường và cảnh quan")).to_be_disabled()
    commune.fits()
