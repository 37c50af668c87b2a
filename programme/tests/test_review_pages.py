"""What the issue-17 page review fixed, as a user sees it: report filters show the year the report covers, long lists
of communes are check boxes with the ticked ones first, a report the service would refuse is not offered as a form,
and the funding report's section titles survive a phone's stacked tables."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programme import linkage_services, training_services
from programme.tests.test_monitoring import certify, today  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _year_box(html: str) -> str:
    """The value of the filter's year input, "" when it is empty."""
    tag = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.mark.parametrize(
    ("url_name", "shown_year"),
    [
        ("programme:training_report", lambda day: day.year),
        ("programme:linkage_report", lambda day: day.year),
        ("programme:monitoring_due", lambda day: day.year - 1),
    ],
)
def test_a_one_year_report_shows_its_year_in_the_filter(client, province_officer, url_name, shown_year):
    client.force_login(province_officer)
    html = client.get(reverse(url_name)).content.decode()
    assert _year_box(html) == str(shown_year(timezone.localdate()))
    chosen = client.get(reverse(url_name), {"year": 2023}).content.decode()
    assert _year_box(chosen) == "2023"


def test_a_year_without_certificate_offers_no_form_but_a_way_back(client, commune_officer, certify, today):  # noqa: F811
    product = certify("Rượu ngô", datetime.date(today.year, 1, 5))
    client.force_login(commune_officer)
    url = reverse("programme:monitoring_create") + f"?product={product.pk}&year={today.year - 1}"
    html = client.get(url).content.decode()
    assert 'data-testid="not-certified"' in html
    assert 'name="output_quantity"' not in html and "Lưu bản nháp" not in html
    assert reverse("programme:monitoring_create") + f"?year={today.year - 1}" in html
    certified = client.get(
        reverse("programme:monitoring_create") + f"?product={product.pk}&year={today.year}"
    ).content.decode()
    assert 'name="output_quantity"' in certified


def test_training_communes_are_check_boxes_with_the_ticked_first(client, province_officer, unit):
    client.force_login(province_officer)
    blank = client.get(reverse("programme:training_create")).content.decode()
    assert re.search(r'<input type="checkbox" name="communes"[^>]*class="form-check-input"', blank)
    assert "form-control" not in re.search(r'<input type="checkbox" name="communes"[^>]*>', blank).group(0)
    late = unit("2025:03349")  # Xã Thanh Yên sorts after Xã Thanh Nưa
    course = training_services.create_course(
        actor=province_officer,
        communes=[late],
        title="Tập huấn",
        kind="training",
        organiser="Văn phòng điều phối",
        province=unit("2025:11"),
        area=None,
        place="Hội trường",
        start_date=datetime.date(2025, 5, 1),
        end_date=datetime.date(2025, 5, 1),
        audience=[],
        participants=10,
        participants_women=0,
        participants_ethnic_minority=0,
        cost=None,
        funding_source="",
        note="",
    )
    html = client.get(reverse("programme:training_edit", args=[course.pk])).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="communes" value="(\d+)"[^>]*>', html)
    assert boxes[0] == str(late.pk) and "checked" in re.search(
        rf'<input type="checkbox" name="communes" value="{late.pk}"[^>]*>', html
    ).group(0)
    assert len(boxes) > 1


def test_linkage_communes_and_products_are_check_boxes(client, province_officer, unit):
    client.force_login(province_officer)
    project = linkage_services.create_project(
        actor=province_officer,
        name="Liên kết lúa gạo",
        province=unit("2025:11"),
        lead_name="HTX lúa gạo",
        communes=[unit("2025:03349")],
        status="preparing",
    )
    html = client.get(reverse("programme:linkage_edit", args=[project.pk])).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="communes" value="(\d+)"', html)
    assert boxes[0] == str(unit("2025:03349").pk) and len(boxes) > 1
    assert '<select name="communes"' not in html and '<select name="products"' not in html


def test_funding_report_titles_are_headings_not_captions(client, province_officer):
    client.force_login(province_officer)
    html = client.get(reverse("programme:funding_report")).content.decode()
    assert "<caption" not in html
    assert re.search(r'<h2 class="h6[^"]*">Theo nguồn vốn</h2>', html)
