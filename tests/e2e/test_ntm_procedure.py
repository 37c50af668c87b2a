"""The NTM recognition procedure in a browser (issue 18, "Done when"): on the reference data, a nâng cao commune set
of Điện Biên with three test criteria in force this year (made with the ORM: no official nâng cao text is shipped)
and Xã Thanh Nưa recorded đạt chuẩn, so nâng cao is its next level. The commune officer registers for nâng cao,
writes the self-assessment, uploads a PDF and submits; the province officer returns one criterion with a reason; the
commune officer reads the reason on the request's page, answers it and submits again; the province passes every
criterion, proposes and records the decision (number and date); the NTM dashboard of the province then counts the
commune at nâng cao. Screenshots at 1366 and 390 px, and nothing wider than a phone's screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from ntm.tests.procedure_pages_setup import CRITERIA, PDF, make_dat_chuan, nang_cao_set
from tests.e2e.test_accounts import PHONE, WIDE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVINCE, COMMUNE_ID, COMMUNE = "2025:11", "2025:03328", "Xã Thanh Nưa"
OFFICER, OFFICER_PASSWORD = "vp.ntm.thamdinh", "Tham-Dinh-NTM-2026"
COMMUNE_OFFICER, COMMUNE_PASSWORD = "xa.thanhnua.ntm", "Ho-So-Nang-Cao-2026"
LEVEL = "Xã đạt chuẩn nông thôn mới nâng cao"
RETURNED = CRITERIA[1]  # "Môi trường và cảnh quan"
REASON = "Chưa có biên bản kiểm tra thu gom rác thải ở các bản; bổ sung rồi nộp lại."
RESPONSE = "Đã bổ sung biên bản kiểm tra thu gom rác thải của 12 bản (tải kèm)."
DECISION_NO = "2468/QĐ-UBND"


@pytest.fixture
def world(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    year = timezone.localdate().year
    nang_cao_set(get_unit(PROVINCE), code="nc-e2e", valid_from=datetime.date(year, 1, 1))
    make_dat_chuan(get_unit(COMMUNE_ID), day=datetime.date(year - 1, 12, 1), decision_no="E2E-DC/QĐ-UBND")
    for username, password, role, area in (
        (OFFICER, OFFICER_PASSWORD, Role.PROVINCE_OFFICER, PROVINCE),
        (COMMUNE_OFFICER, COMMUNE_PASSWORD, Role.COMMUNE_OFFICER, COMMUNE_ID),
    ):
        user = account_services.create_user(actor=None, username=username, password=password, full_name=username)
        account_services.grant_membership(actor=None, user=user, role=role, area=get_unit(area))
    pdf = tmp_path / "bao-cao-tu-danh-gia.pdf"
    pdf.write_bytes(PDF)
    return {"year": year, "pdf": pdf, "shots": tmp_path}


class Person:
    def __init__(self, page, base, username, password):
        self.page, self.base, self.username, self.password = page, base, username, password

    def arrives(self, size=WIDE):
        self.page.context.clear_cookies()
        self.page.set_viewport_size(WIDE)  # the user menu is folded behind the menu button on a phone
        log_in(self.page, self.base, self.username, self.password)
        self.page.set_viewport_size(size)
        return self

    def says(self, text):
        expect(self.page.locator(".alert-success").filter(has_text=text)).to_be_visible()

    def fits(self):
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow} px"

    def open_request(self, year):
        """From the board of the year: the commune's card."""
        self.page.goto(f"{self.base}/ntm/requests/board/?year={year}")
        self.page.get_by_test_id("board-item").filter(has_text=COMMUNE).get_by_role("link").click()
        expect(self.page.get_by_test_id("request-title")).to_have_text(f"{COMMUNE} · {LEVEL}")

    def criterion(self, name):
        return self.page.get_by_test_id("criteria").locator("tbody tr").filter(has_text=name)

    def appraise(self, name, verdict, reason=""):
        row = self.criterion(name)
        row.get_by_label("Kết quả thẩm định").select_option(label=verdict)
        if reason:
            row.get_by_label("Lý do, yêu cầu bổ sung").fill(reason)
        row.get_by_role("button", name="Ghi kết quả").click()
        self.says("Đã ghi kết quả thẩm định tiêu chí.")
        expect(self.criterion(name).get_by_test_id("verdict")).to_have_text(verdict)

    def shots(self, world, name):
        """Screenshots at 1366 and 390 px; at 390 nothing scrolls sideways."""
        for size, label in ((WIDE, "1366"), (PHONE, "390")):
            self.page.set_viewport_size(size)
            self.page.reload()
            self.page.screenshot(path=str(world["shots"] / f"{name}-{label}.png"), full_page=True)
            self.fits()
            assert (world["shots"] / f"{name}-{label}.png").stat().st_size
        self.page.set_viewport_size(WIDE)


def test_a_commune_is_recognised_nang_cao_through_the_procedure(browser_page, live_server, world):
    page, base, year = browser_page, live_server.url, world["year"]
    commune = Person(page, base, COMMUNE_OFFICER, COMMUNE_PASSWORD).arrives()
    province = Person(page, base, OFFICER, OFFICER_PASSWORD)

    # ── the commune registers for nâng cao from the board ─────────────────────────────────────────────────────────
    page.goto(f"{base}/ntm/requests/board/?year={year}")
    page.get_by_test_id("register").click()
    form = page.get_by_test_id("register-form")
    form.get_by_label("Xã").select_option(label=COMMUNE)
    form.get_by_label("Năm").fill(str(year))
    form.get_by_label("Mức đăng ký").select_option(label=LEVEL)
    form.get_by_role("button", name="Đăng ký").click()
    commune.says("Đã đăng ký")
    expect(page.get_by_test_id("status")).to_have_text("Xã đã đăng ký, đang chuẩn bị hồ sơ")
    expect(page.get_by_test_id("waiting-on")).to_have_text("Chờ xã")
    expect(page.get_by_test_id("criteria").locator("tbody tr")).to_have_count(3)

    # the self-assessment, a PDF of the whole dossier, then the submission
    page.get_by_label("Báo cáo tự đánh giá").fill("Xã tự đánh giá đạt cả 3 tiêu chí nông thôn mới nâng cao.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    commune.says("Đã lưu báo cáo tự đánh giá.")
    upload = page.get_by_test_id("document-form")
    upload.get_by_label("Tên tài liệu").fill("Báo cáo tự đánh giá kết quả xây dựng xã NTM nâng cao")
    upload.get_by_label("Tệp").set_input_files(str(world["pdf"]))
    upload.get_by_role("button", name="Tải lên").click()
    commune.says("Đã tải tài liệu lên hồ sơ.")
    expect(page.get_by_test_id("documents").get_by_test_id("document-link")).to_contain_text(
        "Báo cáo tự đánh giá kết quả xây dựng xã NTM nâng cao"
    )
    commune.shots(world, "ho-so-xa")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    commune.says("Đã nộp hồ sơ đề nghị thẩm định.")
    expect(page.get_by_test_id("waiting-on")).to_have_text("Chờ tỉnh")

    # ── the province returns one criterion with its reason ────────────────────────────────────────────────────────
    province.arrives()
    page.goto(f"{base}/ntm/requests/board/?year={year}")
    column = page.get_by_test_id("column-submitted")
    expect(column.get_by_test_id("board-item")).to_contain_text(COMMUNE)
    expect(column.get_by_test_id("waiting")).to_have_text("Chờ tỉnh")
    province.shots(world, "bang-theo-doi")
    province.open_request(year)
    province.appraise(CRITERIA[0], "Đạt")
    province.appraise(RETURNED, "Trả lại, cần bổ sung", REASON)
    page.get_by_role("button", name="Trả hồ sơ cho xã").click()
    province.says("Đã trả hồ sơ cho xã hoàn thiện.")
    expect(page.get_by_test_id("waiting-on")).to_have_text("Chờ xã")

    # ── the commune reads the reason, answers it and submits again ────────────────────────────────────────────────
    commune.arrives(PHONE)
    commune.open_request(year)
    row = commune.criterion(RETURNED)
    expect(row.get_by_test_id("reason")).to_have_text(REASON)
    row.get_by_label("Giải trình, bổ sung của xã").fill(RESPONSE)
    row.get_by_role("button", name="Ghi giải trình").click()
    commune.says("Đã ghi giải trình của xã.")
    expect(commune.criterion(RETURNED).get_by_test_id("response")).to_contain_text(RESPONSE)
    commune.fits()
    page.get_by_role("button", name="Nộp lại hồ sơ").click()
    commune.says("Đã nộp hồ sơ đề nghị thẩm định.")

    # ── the province passes every criterion, proposes and records the decision ────────────────────────────────────
    province.arrives()
    province.open_request(year)
    expect(province.criterion(CRITERIA[0]).get_by_test_id("verdict")).to_have_text("Đạt")
    for name in (RETURNED, CRITERIA[2]):
        province.appraise(name, "Đạt")
    page.get_by_role("button", name="Đề nghị công nhận").click()
    province.says("Đã đề nghị công nhận.")
    decision = page.get_by_test_id("decide-form")
    decision.get_by_label("Số quyết định").fill(DECISION_NO)
    decision.get_by_label("Ngày quyết định").fill(timezone.localdate().isoformat())
    decision.get_by_role("button", name="Ghi quyết định công nhận").click()
    province.says("Đã ghi quyết định công nhận.")
    expect(page.get_by_test_id("status")).to_have_text("Đã có quyết định công nhận")
    expect(page.get_by_test_id("recognition")).to_contain_text(DECISION_NO)
    expect(page.get_by_test_id("history")).to_contain_text(REASON)
    province.shots(world, "quyet-dinh")

    # ── the NTM dashboard of the province counts the commune at nâng cao ──────────────────────────────────────────
    page.goto(f"{base}/ntm/?year={year}&area={PROVINCE}")
    expect(page.get_by_test_id("report-title")).to_have_text(f"Tỉnh Điện Biên · năm {year}")
    expect(page.locator('[data-figure="recognized-cumulative:nang-cao"]')).to_have_text("1")
    expect(page.locator('[data-figure="recognized-cumulative:dat-chuan"]')).to_have_text("1")
    row = page.get_by_test_id("children").locator("tr").filter(has_text=COMMUNE)
    expect(row).to_contain_text("Nâng cao")
    province.shots(world, "tong-hop")
