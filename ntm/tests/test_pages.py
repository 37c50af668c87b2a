"""Pick, don't type, and pages a person can read (issue 12): the NTM filters take an area picked by name (either
scheme, no code typed) and show it by name; lists say what a person needs without raw codes or enum values."""

import datetime
import re

import pytest
from django.urls import reverse

from areas.forms import pick_label
from ntm import services
from ntm.forms import RecognitionFilter, ReportForm
from ntm.imports import import_ntm
from ntm.models import Recognition
from ntm.queries import ntm_report
from ntm.reporting import rule_notes
from ntm.tests.helpers import dien_bien_communes, row_2021, write_csv

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def officer_client(client, province_officer):
    client.force_login(province_officer)
    return client


def area_box(html: str) -> str:
    """The value in the report form's area box."""
    return re.search(r'<input type="text" name="area" value="([^"]*)"', html).group(1)


def test_the_report_form_takes_a_picked_area_of_either_scheme(unit):
    for area_id in ("pre2025:100", "2025:11", "2025:03328"):
        form = ReportForm({"year": "2021", "area": pick_label(unit(area_id))})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["area"] == unit(area_id)
    assert "pre2025" not in str(ReportForm().fields["area"].help_text)  # no code to copy from the help text


def test_the_dashboard_shows_the_area_by_name_and_refuses_an_ambiguous_one(officer_client, unit):
    html = officer_client.get(reverse("ntm:dashboard")).content.decode()  # the officer's province by default
    assert area_box(html) == pick_label(unit("2025:11"))
    assert 'data-testid="picker"' in html and "/areas/pick/" in html
    picked = officer_client.get(reverse("ntm:dashboard"), {"year": 2021, "area": pick_label(unit("pre2025:100"))})
    assert 'data-testid="report-title">Huyện Điện Biên' in picked.content.decode()
    # "Tỉnh Điện Biên" names a unit in each scheme: the person is asked to pick, nothing is guessed
    typed = officer_client.get(reverse("ntm:dashboard"), {"year": 2021, "area": "tinh dien bien"}).content.decode()
    assert "chọn trong danh sách" in typed and 'data-testid="report-title"' not in typed


def test_pages_show_no_criteria_set_code_and_no_rule_code(officer_client, tmp_path):
    a = dien_bien_communes()[0]
    import_ntm(write_csv(tmp_path / "a.csv", [row_2021(a, 19)]), filename="a.csv")
    query = {"year": 2021, "area": "pre2025:100"}
    for name in ("ntm:dashboard", "ntm:priorities"):
        html = officer_client.get(reverse(name), query).content.decode()
        assert "ntm-2016" not in html.replace('data-testid="other-set-ntm-2016"', ""), name
        assert "giai đoạn 2016–2020" in html, name
    commune = officer_client.get(reverse("ntm:commune", args=[str(a.area_id)])).content.decode()
    assert "<code>" not in commune and str(a.area_id) + " ·" not in commune
    notes = " ".join(rule_notes(ntm_report(2021, "pre2025:100")))
    assert "decision" not in notes and "Cơ bản đạt chuẩn: xã chưa được công nhận" in notes


def test_completeness_puts_forms_waiting_for_the_province_first_each_linked(
    officer_client, commune_officer, unit, django_assert_max_num_queries
):
    assessment, _ = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2026)
    services.submit_assessment(actor=commune_officer, assessment=assessment)
    with django_assert_max_num_queries(20):
        html = officer_client.get(reverse("ntm:completeness"), {"year": 2026}).content.decode()
    rows = re.findall(r"<tr><td><a href=\"/ntm/commune/([^/]+)/", html)
    assert rows[0] == "2025:03328" and len(rows) > 40
    assert f'href="{assessment.get_absolute_url()}"' in html and "Đã gửi, chờ duyệt" in html
    assert "<th>Huyện</th>" not in html  # no districts after 01/07/2025
    old = officer_client.get(reverse("ntm:completeness"), {"year": 2021, "area": "pre2025:100"}).content.decode()
    assert "<th>Huyện</th>" in old


def test_recognitions_are_filtered_by_a_picked_area_and_a_level(
    officer_client, province_officer, unit, django_assert_max_num_queries
):
    thanh_nua, other = unit("2025:03328"), unit("2025:03349")
    services.record_recognition(
        actor=province_officer, commune=thanh_nua, level="dat-chuan", decision_no="1/QĐ", decision_date=DAY
    )
    services.record_recognition(
        actor=province_officer, commune=other, level="nang-cao", decision_no="2/QĐ", decision_date=DAY
    )
    url = reverse("ntm:recognitions")
    with django_assert_max_num_queries(12):
        everything = officer_client.get(url).content.decode()
    assert "1/QĐ" in everything and "2/QĐ" in everything
    picked = officer_client.get(url, {"area": pick_label(thanh_nua)}).content.decode()
    assert "1/QĐ" in picked and "2/QĐ" not in picked
    assert area_box(picked) == pick_label(thanh_nua)
    level = officer_client.get(url, {"level": "nang-cao"}).content.decode()
    assert "2/QĐ" in level and "1/QĐ" not in level
    # the old province reaches the new communes of its successor
    old = RecognitionFilter({"area": pick_label(unit("pre2025:11"))})
    assert set(old.apply(Recognition.objects.all()).values_list("decision_no", flat=True)) == {"1/QĐ", "2/QĐ"}
    wrong = officer_client.get(url, {"area": "không có nơi nào như vậy"}).content.decode()
    assert "1/QĐ" not in wrong and "invalid-feedback" in wrong


def test_the_form_is_styled_and_a_locked_form_shows_text_not_empty_boxes(client, commune_officer, unit):
    assessment, _ = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2026)
    client.force_login(commune_officer)
    editable = client.get(assessment.get_absolute_url()).content.decode()
    assert re.search(r'<textarea name="evidence_tc1"[^>]*class="form-control"', editable)
    assert 'placeholder="Minh chứng, ghi chú"' in editable
    services.save_assessment(
        actor=commune_officer, assessment=assessment, results={"tc1": (True, "Quy hoạch chung đã duyệt")}
    )
    services.submit_assessment(actor=commune_officer, assessment=assessment)
    sent = client.get(assessment.get_absolute_url()).content.decode()
    assert 'name="evidence_tc1"' not in sent
    assert re.search(r'data-testid="evidence">Quy hoạch chung đã duyệt<', sent)


def test_the_import_preview_speaks_vietnamese(officer_client, tmp_path):
    a = dien_bien_communes()[0]
    path = write_csv(
        tmp_path / "a.csv",
        [row_2021(a, 19, recognition="dat-chuan", decision_no="5/QĐ-UBND", decision_date="15/06/2021")],
    )
    with path.open("rb") as f:
        html = officer_client.post(reverse("ntm:import"), {"file": f}, follow=True).content.decode()
    assert "Kết quả đánh giá: 1 tạo mới, 0 cập nhật, 0 không thay đổi" in html
    assert "Xã đạt chuẩn nông thôn mới</td>" in html
    assert "created=" not in html and "<td>dat-chuan</td>" not in html


def test_a_commune_officer_reaches_their_commune_page_from_the_report(client, commune_officer, unit):
    client.force_login(commune_officer)
    html = client.get(reverse("ntm:dashboard"), {"year": 2025}).content.decode()
    assert area_box(html) == pick_label(unit("2025:03328"))
    assert re.search(r'href="/ntm/commune/2025:03328/\?year=2025" data-testid="commune-page"', html)


def test_completeness_is_limited_to_the_persons_areas(officer_client, commune_officer, other_province_officer, unit):
    """Who has reported and which forms wait for approval stay within the areas a person is assigned."""
    assessment, _ = services.start_assessment(actor=commune_officer, commune=unit("2025:03328"), year=2026)
    services.submit_assessment(actor=commune_officer, assessment=assessment)
    url = reverse("ntm:completeness")
    own = officer_client.get(url, {"year": 2026, "area": "2025:11"}).content.decode()
    assert "Đã gửi, chờ duyệt" in own
    officer_client.force_login(other_province_officer)
    foreign = officer_client.get(url, {"year": 2026, "area": "2025:11"}).content.decode()
    assert "nằm ngoài phạm vi bạn được giao" in foreign
    assert "Đã gửi, chờ duyệt" not in foreign and "2025:03328" not in foreign
