"""Indicators on the NTM assessment form in a browser (issue 18): the commune officer enters a value, a note and an
evidence file for an indicator, saves, and sees the result and the file; the form fits a 390 px phone screen."""

import pytest
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.roles import Role
from areas.models import AdministrativeUnit
from areas.queries import get_unit
from core.reference import load_all_reference_data
from ntm.models import IndicatorValue
from ntm.tests.indicator_helpers import assessment_for, ind, load_group_set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fits(page, name, where):
    """Screenshots at both widths (kept in pytest's temporary directory); the page never scrolls sideways."""
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        page.screenshot(path=str(where / f"e2e-ntm-indicators-{name}-{size['width']}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {size['width']} px scrolls sideways by {overflow} px"


def test_a_commune_enters_an_indicator_with_its_evidence(browser_page, live_server, tmp_path):
    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()
    user = account_services.create_user(actor=None, username="xa.chitieu", password="pw-xa.chitieu", full_name="Xã")
    account_services.grant_membership(actor=None, user=user, role=Role.COMMUNE_OFFICER, area=get_unit("2025:03328"))
    s = load_group_set(tmp_path)
    a = assessment_for(s, group=1)
    i11 = ind(s, "1.1")
    page = browser_page
    page.set_viewport_size(WIDE)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa.chitieu")
    page.get_by_label("Mật khẩu").fill("pw-xa.chitieu")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id("user-menu").wait_for()
    page.set_viewport_size(PHONE)  # a commune officer on a phone
    page.goto(live_server.url + a.get_absolute_url())
    row = page.get_by_test_id(f"indicator-{i11.pk}")
    expect(row.get_by_test_id("indicator-threshold")).to_have_text("Ngưỡng đạt: ≥ 95%")
    fits(page, "empty", tmp_path)
    page.set_viewport_size(PHONE)
    row.get_by_label("Giá trị").fill("96,5")
    row.get_by_label("Ghi chú, nguồn số liệu").fill("Báo cáo của trạm cấp nước")
    evidence = tmp_path / "bao-cao.pdf"
    evidence.write_bytes(PDF)
    row.locator('input[type="file"]').set_input_files(str(evidence))
    page.get_by_role("button", name="Lưu", exact=True).click()
    row = page.get_by_test_id(f"indicator-{i11.pk}")
    expect(row.get_by_test_id("indicator-result")).to_have_text("Đạt")
    expect(row.get_by_test_id("evidence-link")).to_contain_text("bao-cao.pdf")
    fits(page, "saved", tmp_path)
    value = IndicatorValue.objects.get(assessment=a, indicator=i11)
    assert (value.value, value.met, value.evidence_name) == ("96,5", True, "bao-cao.pdf")
