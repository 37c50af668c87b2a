"""The whole OCOP cycle in a browser, on the reference data `make setup` loads and one province officer's account:
nothing else is made in Python, no command, no /admin/. The Điện Biên office creates the accounts (each person sets
their password through the one-time link shown on screen) and the producer, and links them; the producer registers an
idea, the commune accepts it, the producer files the dossier (Mẫu số 01, 02 and the mandatory documents), the commune
receives it, writes Mẫu số 03 and forwards it; the office opens a round under 26/2026 on today's dates, puts the
product before the council it seats, and the advisory team's report opens scoring; the members score, the secretary
records the star minimums, the chair locks and approves; the office records the decision; the certificate PDF names
the product, its stars, UBND TỈNH ĐIỆN BIÊN and the decision; a passer-by types its code into /verify/ and sees it
valid. At each step the next person finds the work on their home page."""

import datetime
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from products import workflow
from tests.e2e.test_idea_flow import MAU_01, MAU_02, MAU_03, PDF, RECEIPT_NO, fill_form
from tests.e2e.test_scoring_26_2026 import score_with_keyboard

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
OFFICER, OFFICER_PASSWORD = "tinh.dienbien", "Tinh-Dien-Bien-2026"
PRODUCT = "Gạo tám Thanh Nưa"
PRODUCER = "HTX Nông nghiệp Thanh Nưa"
DECISION_NO = "1520/QĐ-UBND"
ROUND = "Đợt đánh giá sản phẩm OCOP năm 2026"
COMMUNE = "Xã Thanh Nưa (Tỉnh Điện Biên)"
PROVINCE = "Tỉnh Điện Biên"
COUNCIL_ROLE = "Thành viên Hội đồng đánh giá"

# Everyone the office creates: key → (full name, username, role label, area typed, area chosen).
PEOPLE = {
    "producer": ("Lò Văn Thưởng", "lo.van.thuong", "Chủ thể OCOP", "thanh nua", COMMUNE),
    "commune": ("Quàng Thị Mai", "quang.thi.mai", "Cán bộ xã", "thanh nua", COMMUNE),
    "chair": ("Trần Quốc Hưng", "tran.quoc.hung", COUNCIL_ROLE, "dien bien", PROVINCE),
    "secretary": ("Vì Thị Thu", "vi.thi.thu", COUNCIL_ROLE, "dien bien", PROVINCE),
    "member1": ("Lường Văn Pọm", "luong.van.pom", COUNCIL_ROLE, "dien bien", PROVINCE),
    "member2": ("Cà Thị Hoa", "ca.thi.hoa", COUNCIL_ROLE, "dien bien", PROVINCE),
}


def password_of(username):
    # Django refuses a password too like the username: each person's differs by a number, not by their name.
    return f"Canh-Dong-Muong-Thanh-{sum(map(ord, username))}"


@pytest.fixture
def office(settings, tmp_path):
    """The reference data (criteria sets of 26/2026 included) and the one account made in Python."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    officer = account_services.create_user(
        actor=None, username=OFFICER, password=OFFICER_PASSWORD, full_name="Văn phòng điều phối OCOP Điện Biên"
    )
    account_services.grant_membership(actor=None, user=officer, role=Role.PROVINCE_OFFICER, area=get_unit("2025:11"))
    return officer


class Walk:
    """The browser and the live server, with what a person does over and over."""

    def __init__(self, page, base, shots):
        self.page, self.base, self.shots = page, base, shots

    def go(self, path):
        self.page.goto(self.base + path)

    def log_in(self, username, password=None):
        page = self.page
        page.context.clear_cookies()
        self.go("/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password or password_of(username))
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_test_id("user-menu").wait_for()

    def todo(self, text):
        """The home page's to-do item holding `text`, which the person follows."""
        if self.page.url != self.base + "/":  # logging in lands on the home page already
            self.go("/")
        item = self.page.get_by_test_id("todo").get_by_test_id("todo-item").filter(has_text=text)
        expect(item).to_have_count(1)
        return item

    def notified(self, text):
        """An unread notification holding `text`."""
        expect(self.page.get_by_test_id("notifications-bell")).to_be_visible()
        self.page.get_by_test_id("notifications-bell").click()
        expect(
            self.page.get_by_test_id("notifications").get_by_test_id("unread").filter(has_text=text)
        ).not_to_have_count(0)

    def pick(self, form, label, typed, expected):
        """A picker: type, wait for the suggestions, take the one holding `expected`."""
        box = form.get_by_label(re.compile(f"^{re.escape(label)}"))
        box.press_sequentially(typed, delay=20)
        options = form.locator(f'datalist option[value*="{expected}"]')
        options.first.wait_for(state="attached")
        box.fill(options.first.get_attribute("value"))

    def says(self, text):
        """The green message of the step just done."""
        expect(self.page.locator(".alert-success").filter(has_text=text)).to_be_visible()

    def shot(self, name):
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


def create_account(walk, key):
    full_name, username, role, area_search, area_label = PEOPLE[key]
    page = walk.page
    walk.go("/accounts/users/")
    page.get_by_role("link", name="Tạo tài khoản").first.click()
    form = page.get_by_test_id("account-form")
    form.get_by_label("Họ và tên").fill(full_name)
    form.get_by_label("Tên đăng nhập").fill(username)
    form.get_by_label("Vai trò").select_option(label=role)
    form.get_by_label("Tìm địa bàn").fill(area_search)
    area = form.get_by_label("Địa bàn", exact=True)
    expect(area.locator("option", has_text=re.compile(f"^{re.escape(area_label)}$"))).to_have_count(1)
    area.select_option(label=area_label)
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)
    expect(page.get_by_role("alert").filter(has_text="Đã tạo tài khoản")).to_be_visible()
    expect(page.get_by_test_id("memberships")).to_contain_text(area_label.split(" (")[0])
    link = page.get_by_test_id("password-link").input_value()
    assert "/accounts/set-password/" in link
    return link


def set_passwords(browser, links, users):
    """Each person opens their link on their own device (here one other browser context, nobody logged in there)
    and chooses a password; the link is one-time."""
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        for key, link in links.items():
            page.goto(link)
            expect(page.locator("main")).to_contain_text(users[key])
            page.get_by_label("Mật khẩu mới", exact=True).fill(password_of(users[key]))
            page.get_by_label("Nhập lại mật khẩu mới").fill(password_of(users[key]))
            page.get_by_role("button", name="Đặt mật khẩu").click()
            expect(page.get_by_role("alert")).to_contain_text(
                f"Đã đặt mật khẩu. Hãy đăng nhập bằng tên đăng nhập {users[key]}"
            )
        page.goto(links["producer"])
        expect(page.get_by_test_id("invalid-link")).to_be_visible()
    finally:
        context.close()


def test_the_whole_ocop_cycle_through_the_browser(browser_page, live_server, office, tmp_path):
    page = browser_page
    page.set_viewport_size(WIDE)
    walk = Walk(page, live_server.url, tmp_path)
    today = workflow.today()
    names = {key: person[0] for key, person in PEOPLE.items()}
    users = {key: person[1] for key, person in PEOPLE.items()}

    # ── 1. The office creates the accounts; each person sets a password through the link shown once ───────────────
    walk.log_in(OFFICER, OFFICER_PASSWORD)
    links = {key: create_account(walk, key) for key in PEOPLE}

    # ── 2. The producer's record, linked to the producer's account ────────────────────────────────────────────────
    walk.go("/producers/")
    page.get_by_role("link", name="Thêm chủ thể").click()
    form = page.locator("main form")
    form.get_by_label("Tên chủ thể").fill(PRODUCER)
    form.get_by_label("Loại hình").select_option(label="Hợp tác xã")
    walk.pick(form, "Xã, phường", "thanh nua", "[2025:03328]")
    form.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCER)
    expect(page.get_by_role("alert").filter(has_text="Đã thêm chủ thể")).to_be_visible()

    accounts = page.get_by_test_id("producer-accounts")
    expect(accounts).to_contain_text("Chưa có tài khoản nào được liên kết")
    accounts.get_by_test_id("producer-people").click()  # the accounts with the producer role
    page.get_by_test_id("people").get_by_role("link", name=names["producer"]).click()
    link_form = page.get_by_test_id("link-producer")
    link_form.get_by_label("Tìm chủ thể").fill("thanh nua")
    producers = link_form.get_by_label("Liên kết với chủ thể")
    expect(producers.locator("option", has_text=PRODUCER)).to_have_count(1)
    producers.select_option(label=f"{PRODUCER} · Xã Thanh Nưa")
    link_form.get_by_role("button", name="Liên kết", exact=True).click()
    walk.says(f"Đã liên kết với {PRODUCER}")
    page.get_by_test_id("linked-producers").get_by_role("link", name=PRODUCER).click()
    expect(page.get_by_test_id("producer-accounts")).to_contain_text(f"{names['producer']} ({users['producer']})")

    set_passwords(page.context.browser, links, users)

    # ── 3. The producer registers an idea; the commune accepts it ─────────────────────────────────────────────────
    walk.log_in(users["producer"])
    walk.go("/ideas/")
    page.get_by_test_id("register-idea").click()
    form = page.get_by_test_id("idea-form")
    expect(form.get_by_label("Chủ thể")).to_have_value(re.compile(r"\d+"))  # the one linked producer is chosen
    form.get_by_label("Tên sản phẩm dự kiến").fill(PRODUCT)
    form.get_by_label("Nhóm sản phẩm").select_option(label="Thực phẩm")
    form.get_by_label("Mô tả ý tưởng").fill("Gạo tám thơm của cánh đồng Mường Thanh, đóng túi 2 kg.")
    form.get_by_role("button", name="Gửi ý tưởng").click()
    walk.says("Đã gửi ý tưởng tới xã để sàng lọc")
    expect(page.get_by_test_id("idea-status")).to_have_text("Đã gửi, chờ xã sàng lọc")

    walk.log_in(users["commune"])
    walk.todo("1 ý tưởng chờ xã sàng lọc").get_by_role("link").click()
    page.get_by_test_id("ideas").get_by_role("link", name=PRODUCT).click()
    page.get_by_test_id("accept").click()
    walk.says("Đã chấp nhận ý tưởng; sản phẩm và hồ sơ đã được tạo")
    expect(page.get_by_test_id("idea-status")).to_have_text("Xã chấp nhận")

    # ── The producer prepares the dossier: plan, Mẫu số 01 and 02, the checklist's mandatory documents ────────────
    walk.log_in(users["producer"])
    walk.notified(f"Ý tưởng được xã chấp nhận: {PRODUCT}")
    walk.todo("1 hồ sơ đang chuẩn bị, chưa nộp xã").get_by_role("link").click()
    page.get_by_test_id("dossiers").get_by_role("link", name=PRODUCT).click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đang chuẩn bị")
    page.get_by_test_id("plan-form").get_by_label("Phương án sản xuất kinh doanh").fill("Mở rộng vùng lúa lên 20 ha.")
    page.get_by_role("button", name="Lưu phương án").click()
    walk.says("Đã lưu phương án sản xuất kinh doanh")
    mandatory = page.get_by_test_id("checklist").locator("tbody tr").filter(has_text="bắt buộc")
    codes = [row.get_attribute("data-testid").removeprefix("item-") for row in mandatory.all()]
    assert codes  # products/data/dossier_checklist.yaml names some
    for code in codes:
        upload = page.get_by_test_id("upload-form")
        upload.get_by_label("Loại giấy tờ").select_option(code)
        upload.get_by_label("Tệp").set_input_files(
            files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        upload.get_by_role("button", name="Tải lên").click()
        expect(page.get_by_test_id(f"item-{code}").get_by_role("link", name=f"{code}.pdf")).to_be_visible()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    for code, answers in (("mau-01", MAU_01), ("mau-02", MAU_02)):
        page.get_by_test_id(f"fill-{code}").click()
        form = page.get_by_test_id(f"printed-form-{code}")
        fill_form(form, answers)
        form.get_by_role("button", name=re.compile("^Lưu Mẫu số")).click()
        walk.says("Đã lưu Mẫu số")
        expect(page.get_by_test_id(f"form-{code}")).to_contain_text("đã điền")
    page.get_by_test_id("submit-dossier").click()
    walk.says("Đã nộp hồ sơ tới xã")
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã nộp xã")

    # ── The commune receives it, writes Mẫu số 03 and forwards it to the province ─────────────────────────────────
    walk.log_in(users["commune"])
    walk.notified(f"Hồ sơ chờ xã kiểm tra: {PRODUCT}")
    walk.todo("1 hồ sơ chờ xã kiểm tra").get_by_role("link").click()
    page.get_by_test_id("dossiers").get_by_role("link", name=PRODUCT).click()
    receipt = page.get_by_test_id("receive-form")
    expect(receipt.get_by_label("Ngày xã tiếp nhận hồ sơ")).to_have_value(today.isoformat())
    receipt.get_by_label("Phiếu số").fill(RECEIPT_NO)
    page.get_by_test_id("receive-dossier").click()
    walk.says("Đã ghi nhận ngày xã tiếp nhận hồ sơ")
    expect(page.get_by_test_id("received-on")).to_contain_text(RECEIPT_NO)
    page.get_by_test_id("fill-mau-03").click()
    form = page.get_by_test_id("printed-form-mau-03")
    fill_form(form, MAU_03)
    form.get_by_role("button", name="Lưu Mẫu số 03").click()
    walk.says("Đã lưu Mẫu số 03")
    expect(page.get_by_test_id("form-mau-03")).to_contain_text("đã điền")
    page.get_by_test_id("forward-dossier").click()
    walk.says("Đã chuyển hồ sơ lên tỉnh")
    expect(page.get_by_test_id("dossier-status")).to_have_text("Xã đã chuyển tỉnh")

    # ── 4. The office: the forwarded dossier, a round under 26/2026 on today's dates, its product and council ────
    walk.log_in(OFFICER, OFFICER_PASSWORD)
    walk.notified(f"Hồ sơ chờ tỉnh: {PRODUCT}")
    walk.todo("1 hồ sơ chờ tỉnh").get_by_role("link").click()
    page.get_by_test_id("dossiers").get_by_role("link", name=PRODUCT).click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Xã đã chuyển tỉnh")
    expect(page.get_by_test_id("form-mau-03")).to_contain_text("đã điền")  # the commune's report reaches the office
    # The province's part of the dossier page: what it may do with a forwarded dossier (26/2026 Điều 7.3).
    province = page.get_by_test_id("province-actions")
    expect(province).to_contain_text("Yêu cầu xã và chủ thể hoàn thiện")  # send an incomplete dossier back
    expect(province.get_by_test_id("no-open-round")).to_be_visible()
    dossier_url = page.url
    walk.shot("1-province-dossier")
    province.get_by_test_id("create-round").click()
    expect(page.get_by_test_id("published-sets")).to_contain_text("26-2026")
    form = page.locator("main form").first
    form.get_by_label("Tên đợt đánh giá").fill(ROUND)
    expect(form.get_by_label(re.compile("^Tỉnh tổ chức"))).to_have_value("Tỉnh Điện Biên [2025:11]")  # the office's
    form.get_by_label("Từ ngày").fill(f"{today:%d/%m/%Y}")
    form.get_by_label("Đến ngày").fill(f"{today + datetime.timedelta(days=14):%d/%m/%Y}")
    form.get_by_role("button", name="Tạo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND)
    expect(page.locator("main")).to_contain_text("Bộ tiêu chí 26-2026")

    round_url = page.url
    # Back on the dossier: Mẫu số 01 registered the product in phân nhóm 03 (rice), so the round's sheet is known and
    # the office puts the product before the council from the dossier page itself.
    page.goto(dossier_url)
    province = page.get_by_test_id("province-actions")
    expect(province).to_contain_text("03")
    province.get_by_test_id("add-to-round").click()
    walk.says(f"Đã đưa sản phẩm vào đợt “{ROUND}”")
    expect(page.get_by_test_id("dossier-rounds")).to_contain_text(ROUND)
    page.goto(round_url)
    expect(page.get_by_test_id("round-items")).to_contain_text(PRODUCT)

    for key, role in (
        ("chair", "Chủ tịch hội đồng"),
        ("secretary", "Thư ký"),
        ("member1", "Thành viên"),
        ("member2", "Thành viên"),
    ):
        organise = page.get_by_test_id("organise")
        walk.pick(organise, "Người", names[key].split()[-1].lower(), f"[{users[key]}]")
        organise.get_by_label("Vai trò trong hội đồng").select_option(label=role)
        organise.get_by_role("button", name="Thêm").first.click()
        walk.says("Đã thêm thành viên hội đồng")
        expect(page.get_by_test_id(f"member-{users[key]}")).to_contain_text(role)
    walk.shot("2-round")

    # The dossier now shows the round; the advisory team's report to the chair opens scoring (26/2026 Điều
    # 7.3.c–d), written here by the office.
    page.goto(dossier_url)
    rounds = page.get_by_test_id("province-actions").get_by_test_id("dossier-rounds")
    expect(rounds).to_contain_text(ROUND)
    rounds.get_by_test_id("advisory-item-link").click()
    report = page.get_by_test_id("report-form")
    report.get_by_label("Tóm tắt đánh giá hồ sơ").fill("Hồ sơ đủ thành phần; Mẫu số 01, 02, 03 đã lập.")
    report.get_by_label("Kiến nghị với chủ tịch hội đồng").fill("Đưa sản phẩm ra hội đồng chấm điểm.")
    report.get_by_role("button", name="Gửi báo cáo").click()
    walk.says("Đã gửi báo cáo đánh giá hồ sơ cho chủ tịch hội đồng")
    expect(page.get_by_test_id("review-status")).to_have_text("Đã báo cáo chủ tịch hội đồng")
    walk.go("/")
    expect(page.get_by_test_id("todo")).not_to_contain_text("hồ sơ chờ tỉnh")  # the product is before a council

    # ── 5. Each scoring member finds the product on their home page and scores it on the keyboard ─────────────────
    totals = []
    for key in ("member1", "member2", "chair"):
        walk.log_in(users[key])
        walk.notified("Bạn được mời vào hội đồng đánh giá")
        walk.todo("1 sản phẩm chờ bạn chấm").get_by_role("link").click()
        page.get_by_test_id("round-items").get_by_role("link", name=PRODUCT).click()
        expect(page.get_by_test_id("sheet-info")).to_contain_text("03 – Gạo")
        assert score_with_keyboard(page, "2") == 32
        totals.append(page.get_by_test_id("total").inner_text())
        page.once("dialog", lambda dialog: dialog.accept())
        page.keyboard.press("s")
        walk.says("Đã nộp phiếu chấm")
        expect(page.get_by_test_id("sheet-status")).to_have_text("Đã nộp")
        walk.go("/")
        expect(page.get_by_test_id("todo")).not_to_contain_text("chờ bạn chấm")
    assert len(set(totals)) == 1
    total = totals[0].split("/")[0].strip()  # "50 / 100": everyone chose the second level

    # The chair locks the sheets; approval waits for the star minimums of the band, which the secretary records.
    page.locator("nav").get_by_role("link", name="Chấm điểm").click()
    page.get_by_role("link", name=ROUND).click()
    page.get_by_test_id("board-link").click()
    card = page.locator("[data-testid^=board-item-]").filter(has_text=PRODUCT)
    expect(card.get_by_test_id("quorum")).to_contain_text("Đủ túc số")
    card.get_by_test_id("lock").click()
    walk.says("Đã khoá phiếu sản phẩm")
    card = page.locator("[data-testid^=board-item-]").filter(has_text=PRODUCT)
    expect(card.get_by_test_id("item-status")).to_have_text("Đã khoá phiếu")
    expect(card.get_by_test_id("result")).to_contain_text(f"{total},00")
    # 50 to under 70 points is 3★, held back until the secretary records the 3★ minimums
    expect(card).to_contain_text("Chưa đạt yêu cầu tối thiểu cho 3 sao")
    card.get_by_test_id("approve").click()
    expect(page.locator(".alert-danger")).to_contain_text("Thư ký chưa ghi nhận các yêu cầu tối thiểu theo hạng sao")

    walk.log_in(users["secretary"])
    walk.notified("Bạn được mời vào hội đồng đánh giá")
    walk.todo("1 sản phẩm chờ thư ký ghi nhận yêu cầu tối thiểu").get_by_role("link").click()
    page.get_by_test_id("round-items").get_by_role("link", name=PRODUCT).click()
    page.get_by_test_id("minimums-link").click()
    expect(page.get_by_test_id("result")).to_contain_text("hạng theo điểm: 3★")
    band = page.get_by_test_id("minimums").locator("[data-testid^=minimum-][data-testid$='-3']")
    expect(band.first).to_be_visible()
    for n in range(band.count()):
        band.nth(n).get_by_role("button", name="Lưu").click()  # "Đạt" is chosen: the dossier meets it
        expect(band.nth(n).get_by_test_id("state")).to_contain_text("Đạt")
    walk.go("/")
    expect(page.get_by_test_id("todo")).not_to_contain_text("yêu cầu tối thiểu")

    walk.log_in(users["chair"])
    walk.todo("1 kết quả đã khoá phiếu chờ bạn phê duyệt").get_by_role("link").click()
    page.get_by_test_id("board-link").click()
    card = page.locator("[data-testid^=board-item-]").filter(has_text=PRODUCT)
    card.get_by_test_id("approve").click()
    walk.says("Đã phê duyệt kết quả")
    card = page.locator("[data-testid^=board-item-]").filter(has_text=PRODUCT)
    expect(card.get_by_test_id("item-status")).to_have_text("Đã phê duyệt kết quả")
    expect(card.get_by_test_id("result")).to_contain_text("3★")

    # ── 6. The office records the province's decision; the certificate, its PDF, its public page ──────────────────
    walk.log_in(OFFICER, OFFICER_PASSWORD)
    walk.notified(f"Kết quả đã phê duyệt: {PRODUCT}")
    page.get_by_test_id("notifications").get_by_role("link", name=f"Kết quả đã phê duyệt: {PRODUCT}").click()
    page.get_by_test_id("board-link").click()
    decision = page.get_by_test_id("decision-form")
    decision.get_by_label("Số quyết định").fill(DECISION_NO)
    decision.get_by_label("Ngày quyết định").fill(f"{today:%d/%m/%Y}")
    decision.get_by_role("button", name="Ghi quyết định").click()
    walk.says("Đã ghi quyết định công nhận")
    page.locator("[data-testid^=board-item-]").filter(has_text=PRODUCT).get_by_test_id("product-link").click()
    certificates = page.get_by_test_id("certificates")
    row = certificates.locator("tbody tr").filter(has_text=DECISION_NO)
    expect(row).to_contain_text("3★")
    expect(row).to_contain_text("Còn hiệu lực")
    code = row.locator("code").inner_text()
    walk.shot("3-product-certified")
    pdf = page.request.get(live_server.url + row.get_by_test_id("certificate-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
    for expected in (PRODUCT, "HẠNG 3 SAO", "UBND TỈNH ĐIỆN BIÊN", f"Số {DECISION_NO} ngày {today:%d/%m/%Y}", code):
        assert expected in text, expected
    row.get_by_role("link", name=DECISION_NO).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quyết định {DECISION_NO}")
    expect(page.locator("main table").first).to_contain_text(PRODUCT)

    # The producer learns of the recognition and finds the certificate on the product's page.
    walk.log_in(users["producer"])
    walk.notified(f"Sản phẩm được công nhận OCOP 3 sao: {PRODUCT}")
    page.get_by_test_id("notifications").get_by_role("link", name=re.compile("Sản phẩm được công nhận")).click()
    expect(page.get_by_test_id("certificates")).to_contain_text(code)

    # The public, logged out, types the code printed on the certificate into /verify/.
    page.context.clear_cookies()
    walk.go("/verify/")
    lookup = page.get_by_test_id("verify-lookup")
    lookup.get_by_label("Mã tra cứu").fill(code)
    lookup.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("verify-state")).to_have_attribute("data-state", "valid")
    expect(page.get_by_test_id("verify-state")).to_contain_text("Còn hiệu lực")
    details = page.get_by_test_id("verify-details")
    expect(details).to_contain_text(PRODUCT)
    expect(details).to_contain_text("3 sao")
    expect(details).to_contain_text(DECISION_NO)
    expect(page.get_by_test_id("user-menu")).to_have_count(0)  # nobody is logged in
    walk.shot("4-verify")
