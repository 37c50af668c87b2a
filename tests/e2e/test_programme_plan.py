"""An annual plan that names its products, in a browser (issue 17, "Done when"): on the reference data, the Điện Biên
office logs in, creates this year's plan of the province and names three products in it — one whose dossier the
commune has forwarded to the province, one whose dossier the commune returned, and one that is only a name (nobody
has registered the idea yet) — each aiming at 3★. The first product then reaches 3★ through the normal flow (round,
advisory report, council scoring, the secretary's star minimums, the chair's approval, the province's decision),
driven in Python through the services as the other browser tests prepare their state. The office opens plan vs
actual: 1 of the 3 named products achieved, the other two with the step that blocks them; screenshots at 1366 and
390 px, and nothing wider than a phone's screen."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.demo import MAU_03, _form_data, _prepare_dossier
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from certification.choices import IssuingLevel
from conftest import make_user
from core.reference import load_all_reference_data
from evaluation import advisory, council, proposals
from evaluation.council_models import MemberRole
from evaluation.demo import record_minimums, score_to
from evaluation.models import CriteriaSet
from producers.services import create_producer
from products import workflow
from products.models import ProductCategory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER, OFFICER_PASSWORD = "vp.ocop.dienbien", "Ke-Hoach-OCOP-Dien-Bien-2026"
PROVINCE, COMMUNE = "2025:11", "2025:03328"  # Tỉnh Điện Biên; Xã Thanh Nưa
PRODUCER = "HTX Nông sản Thanh Nưa"
FORWARDED = "Gạo séng cù Thanh Nưa"  # its dossier forwarded to the province: it reaches 3★
RETURNED = "Bánh khảo Thanh Nưa"  # its dossier returned by the commune
NAME_ONLY = "Mắm cá suối Thanh Nưa"  # named in the plan, no idea registered
RETURN_REASON = "Thiếu phiếu kết quả kiểm nghiệm sản phẩm; bổ sung rồi nộp lại."
DECISION_NO = "KH-E2E-01/QĐ-UBND"
COUNCIL = [
    ("e2e.chu.tich", MemberRole.CHAIR),
    ("e2e.tv1", MemberRole.MEMBER),
    ("e2e.tv2", MemberRole.MEMBER),
    ("e2e.thu.ky", MemberRole.SECRETARY),
    ("e2e.tu.van", MemberRole.ADVISORY),
]
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
NEW_PRODUCTS = "Sản phẩm OCOP mới được công nhận"


@pytest.fixture
def office(settings, tmp_path):
    """The reference data, the office's account, and the state before the plan: a producer of Xã Thanh Nưa with one
    dossier forwarded to the province and one returned by the commune, filed through products.workflow."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    officer = account_services.create_user(
        actor=None, username=OFFICER, password=OFFICER_PASSWORD, full_name="Văn phòng điều phối OCOP Điện Biên"
    )
    account_services.grant_membership(actor=None, user=officer, role=Role.PROVINCE_OFFICER, area=get_unit(PROVINCE))
    commune = get_unit(COMMUNE)
    commune_officer = make_user("e2e.xa.thanhnua", Role.COMMUNE_OFFICER, COMMUNE)
    producer_user = make_user("e2e.chuthe.thanhnua", Role.PRODUCER, COMMUNE)
    producer = create_producer(actor=officer, name=PRODUCER, producer_type="htx", location=commune)
    producer.accounts.add(producer_user)
    dossiers = {name: filed_dossier(producer_user, commune_officer, producer, name) for name in (FORWARDED, RETURNED)}
    workflow.return_dossier(actor=commune_officer, dossier=dossiers[RETURNED], reason=RETURN_REASON)
    dossier = dossiers[FORWARDED]
    workflow.record_receipt(actor=commune_officer, dossier=dossier, receipt_no="E2E-01/PĐK")
    dossier.refresh_from_db()
    workflow.save_commune_report(actor=commune_officer, dossier=dossier, data=_form_data("mau-03", dossier, MAU_03))
    workflow.forward_dossier(actor=commune_officer, dossier=dossier)
    dossier.refresh_from_db()
    return {"officer": officer, "dossier": dossier}


def filed_dossier(producer_user, commune_officer, producer, name):
    """An idea registered by the producer and accepted by the commune; its dossier prepared (plan, Mẫu số 01 and 02,
    the mandatory documents, as the demo files them) and submitted to the commune."""
    idea = workflow.register_idea(
        actor=producer_user,
        producer=producer,
        product_name=name,
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
        description="Sản phẩm truyền thống của các hộ trong xã (dữ liệu kiểm thử).",
        location=producer.location,
    )
    idea = workflow.accept_idea(actor=commune_officer, idea=idea)
    dossier = _prepare_dossier(idea.product.dossiers.get(), producer_user)
    return workflow.submit_dossier(actor=producer_user, dossier=dossier)


def reach_three_stars(officer, dossier):
    """The normal flow from a forwarded dossier to a 3★ certificate: a round of the province under the set in force,
    the product put before its council from the dossier, the advisory team's report, every scoring member at 60
    points (26/2026: 50 to under 70 is 3★), the secretary's 3★ minimums, the chair's lock and approval, and the
    province's recognition decision dated today."""
    today = workflow.today()
    rnd = council.create_round(
        actor=officer,
        province=get_unit(PROVINCE),
        title=f"Đợt đánh giá sản phẩm OCOP năm {today.year} (kiểm thử)",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
        criteria_set=CriteriaSet.objects.get(code="26-2026"),
    )
    people = {}
    for username, role in COUNCIL:
        people[username] = make_user(username, Role.COUNCIL_MEMBER, PROVINCE)
        council.add_member(actor=officer, evaluation_round=rnd, user=people[username], role=role)
    item = workflow.add_to_round(actor=officer, dossier=dossier, evaluation_round=rnd)
    advisory.write_report(
        actor=people["e2e.tu.van"], item=item, summary="Hồ sơ đầy đủ.", recommendation="Đề nghị hội đồng chấm điểm."
    )
    for username, role in COUNCIL:
        if role in (MemberRole.CHAIR, MemberRole.MEMBER):
            score_to(item, people[username], 60)
    record_minimums(item, people["e2e.thu.ky"], max_stars=3)
    council.lock_item(actor=people["e2e.chu.tich"], item=item)
    council.approve_item(actor=people["e2e.chu.tich"], item=item)
    proposals.issue_decision(
        actor=officer, evaluation_round=rnd, level=IssuingLevel.PROVINCE, number=DECISION_NO, date=today
    )
    item.refresh_from_db()
    return item


class Office:
    """The office at the browser."""

    def __init__(self, page, base):
        self.page, self.base = page, base

    def go(self, path):
        self.page.goto(self.base + path)

    def log_in(self):
        self.go("/accounts/login/")
        self.page.get_by_label("Tên đăng nhập").fill(OFFICER)
        self.page.get_by_label("Mật khẩu").fill(OFFICER_PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.get_by_test_id("user-menu").wait_for()

    def form(self):
        return self.page.locator("main form").filter(has=self.page.get_by_role("button", name="Lưu"))

    @staticmethod
    def field(form, label):
        """A form field by its whole label (a required field's label ends with " *")."""
        return form.get_by_label(re.compile(f"^{re.escape(label)}( \\*)?$"))

    def pick(self, form, label, typed, expected):
        """The area picker: type, wait for the suggestions, take the one holding `expected`."""
        box = self.field(form, label)
        box.press_sequentially(typed, delay=20)
        options = form.locator(f'datalist option[value*="{expected}"]')
        options.first.wait_for(state="attached")
        box.fill(options.first.get_attribute("value"))

    def says(self, text):
        expect(self.page.locator(".alert-success").filter(has_text=text)).to_be_visible()

    def line(self, name):
        return self.page.get_by_test_id("plan-lines").locator("tbody tr").filter(has_text=name)

    def fits(self) -> int:
        """How many pixels the page scrolls sideways (0: it fits the screen)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_plan_names_three_products_and_shows_one_of_three_achieved(browser_page, live_server, office, tmp_path):
    page = browser_page
    page.set_viewport_size(WIDE)
    walk = Office(page, live_server.url)
    year = workflow.today().year
    title = f"Kế hoạch thực hiện Chương trình OCOP tỉnh Điện Biên năm {year}"

    # ── The office creates this year's plan of the province ───────────────────────────────────────────────────────
    walk.log_in()
    walk.go(reverse("programme:plan_create"))
    form = walk.form()
    walk.pick(form, "Địa bàn", "dien bien", f"[{PROVINCE}]")
    walk.field(form, "Năm").fill(str(year))
    walk.field(form, "Tên kế hoạch").fill(title)
    form.get_by_role("button", name="Lưu").click()
    walk.says("Đã tạo kế hoạch")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    plan_url = page.url

    # its target: 3 new products of 3★
    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    form = walk.form()
    walk.field(form, "Chỉ tiêu").select_option(label=NEW_PRODUCTS)
    walk.field(form, "Hạng sao").select_option(label="3 sao")
    walk.field(form, "Số lượng").fill("3")
    form.get_by_role("button", name="Lưu").click()
    walk.says("Đã ghi chỉ tiêu")
    expect(page.get_by_test_id("targets")).to_contain_text(NEW_PRODUCTS)

    # ── It names three products, each to reach 3★ with the province's support ────────────────────────────────────
    for name in (FORWARDED, RETURNED, NAME_ONLY):
        page.get_by_role("link", name="Thêm sản phẩm").click()
        form = walk.form()
        walk.field(form, "Tên sản phẩm").fill(name)
        walk.field(form, "Nội dung kế hoạch").select_option(label="Đánh giá, công nhận mới")
        walk.field(form, "Hạng sao phấn đấu").select_option(label="3 sao")
        walk.field(form, "Cấp hỗ trợ").select_option(label="Tỉnh hỗ trợ")
        form.get_by_role("button", name="Lưu").click()
        walk.says("Đã thêm sản phẩm vào kế hoạch")
        expect(walk.line(name)).to_have_count(1)
    # the two registered products are linked to their lines; the third is only a name
    for name in (FORWARDED, RETURNED):
        walk.line(name).get_by_role("link", name="Liên kết", exact=True).click()
        link_form = page.locator("main form")
        walk.field(link_form, "Sản phẩm").select_option(label=f"{name} ({PRODUCER})")
        link_form.get_by_role("button", name="Liên kết", exact=True).click()
        walk.says(f"Đã liên kết '{name}'")
        expect(walk.line(name).get_by_role("link", name=name)).to_be_visible()
    expect(walk.line(NAME_ONLY)).to_contain_text("Chưa liên kết")

    # ── The forwarded product reaches 3★ through the normal flow (services, as the council and office record it) ─
    reach_three_stars(office["officer"], office["dossier"])

    page.goto(plan_url)
    page.get_by_role("button", name="Cập nhật liên kết từ hồ sơ").click()
    walk.says("Đã cập nhật liên kết của 1 sản phẩm")
    expect(walk.line(FORWARDED)).to_contain_text(DECISION_NO)

    # ── Plan vs actual: 1 of the 3 named products achieved, the other two with what blocks them ──────────────────
    page.get_by_role("link", name="Kế hoạch và thực hiện").click()
    expect(page.get_by_test_id("line-counts")).to_contain_text("1/3")
    achieved = page.get_by_test_id("lines-achieved")
    expect(achieved).to_contain_text(FORWARDED)
    expect(achieved).to_contain_text(f"Đạt 3 sao theo quyết định {DECISION_NO}")
    in_progress = page.get_by_test_id("lines-in-progress")
    expect(in_progress).to_contain_text(RETURNED)
    expect(in_progress).to_contain_text("Hồ sơ bị xã trả lại")
    expect(in_progress).to_contain_text(RETURN_REASON)
    not_started = page.get_by_test_id("lines-not-started")
    expect(not_started).to_contain_text(NAME_ONLY)
    expect(not_started).to_contain_text("Chưa đăng ký ý tưởng sản phẩm")
    targets = page.get_by_test_id("targets")
    target = targets.locator("tbody tr").filter(has_text=NEW_PRODUCTS)
    expect(target.get_by_test_id("actual-link")).to_have_text("1")  # of the 3 new 3★ products planned
    expect(target).to_contain_text("33%")
    page.screenshot(path=str(tmp_path / "plan-actual-1366.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("lines-achieved")).to_contain_text(FORWARDED)
    page.screenshot(path=str(tmp_path / "plan-actual-390.png"), full_page=True)
    assert walk.fits() <= 0, f"plan vs actual scrolls sideways at 390 px by {walk.fits()} px"
    assert (tmp_path / "plan-actual-1366.png").stat().st_size and (tmp_path / "plan-actual-390.png").stat().st_size
