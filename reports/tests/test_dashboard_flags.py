"""The OCOP dashboard's "Sản phẩm cần theo dõi" card and Excel sheet (issue 17): the post-recognition flags of the
area's products in force, for a signed-in officer whose scope reaches the area only; the public page is unchanged."""

import datetime
import io
import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from areas.filters import within
from certification import services as certification
from certification.models import Certificate, valid_on_q
from core.pagecache import TOKEN_RE
from producers.services import create_producer
from products.models import Product, ProductCategory
from products.services import create_product
from programme import monitoring_services
from programme.monitoring_flags import CODES, EXPIRING_NO_DOSSIER, SHRINKING_AREA, flags_for

pytestmark = pytest.mark.django_db
D = datetime.date
FLAGS_URL = "/reports/ocop/flags/"
DASHBOARD_URL = "/reports/ocop/"
_numbers = itertools.count(1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def certified(unit):
    """certified(name, decided_on, valid_until, commune) → a product holding a 3-star certificate from `decided_on`."""
    group = ProductCategory.objects.get(system="148", code="thuc-pham")

    def make(name, decided_on, valid_until, commune):
        place = unit(commune)
        producer = create_producer(actor=None, name=f"HTX {name}", producer_type="htx", location=place)
        product = create_product(actor=None, name=name, producer=producer, location=place, group=group)
        decision, _ = certification.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=decided_on,
            kind="recognition",
            issuing_level="province",
            province=place.province,
        )
        certification.record_certificate(
            actor=None, product=product, decision=decision, stars=3, valid_until=valid_until
        )
        return product

    return make


def approved(product, year, area_ha):
    values = {
        "output_quantity": Decimal("12.5"),
        "output_unit": "tấn",
        "revenue": Decimal("1500000000"),
        "employees": 10,
        "raw_material_area_ha": Decimal(area_ha),
    }
    report = monitoring_services.save_report(actor=None, product=product, year=year, values=values)
    monitoring_services.submit_report(actor=None, report=report)
    return monitoring_services.approve_report(actor=None, report=report)


@pytest.fixture
def products(certified, today):
    """Điện Biên: one product placed in a 2025 commune expiring in 100 days, one placed in an old commune whose
    raw-material area fell from 100 to 70 ha, one just recognised, one expired; and a Sơn La product expiring too."""
    long_ago = D(today.year - 3, 2, 1)
    expiring = certified("Gạo Thanh Nưa", long_ago, today + datetime.timedelta(days=100), "2025:03328")
    shrinking = certified("Chè Mường Phăng", long_ago, D(today.year + 2, 1, 31), "pre2025:03331")
    approved(shrinking, today.year - 2, "100")
    approved(shrinking, today.year - 1, "70")
    recent = certified("Mật ong Tủa Chùa", today - datetime.timedelta(days=10), None, "2025:03328")
    expired = certified("Rượu cũ", D(today.year - 4, 1, 1), today - datetime.timedelta(days=10), "pre2025:03346")
    foreign = certified("Cà phê Sơn La", long_ago, today + datetime.timedelta(days=100), "2025:03646")
    return {"expiring": expiring, "shrinking": shrinking, "recent": recent, "expired": expired, "foreign": foreign}


def flagged_in_force(unit, day):
    """flags_for over the products placed in `unit` (either scheme) holding a certificate valid on `day`."""
    in_force = Product.objects.filter(
        within(unit, "location"), Exists(Certificate.objects.filter(valid_on_q(day), product=OuterRef("pk")))
    )
    return flags_for(in_force, day)


def expected(unit, day):
    found = flagged_in_force(unit, day)
    counts = {code: sum(1 for flags in found.values() if any(f.code == code for f in flags)) for code in CODES}
    return counts, len(found)


def card(client, **query):
    response = client.get(FLAGS_URL, query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    links = {
        code: (url.replace("&amp;", "&"), int(n.replace(".", "")))
        for url, code, n in re.findall(r'href="([^"]+)" data-testid="flag-([\w-]+)">([\d.]+)<', html)
    }
    return html, links


def watch_count(client, url) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'<p class="small text-muted">([\d.]+) sản phẩm', html).group(1).replace(".", ""))


@pytest.mark.parametrize("area", ["2025:11", "pre2025:11"])
def test_each_count_is_flags_for_over_the_areas_products_in_both_schemes(
    client, province_officer, products, unit, today, area
):
    client.force_login(province_officer)
    html, links = card(client, area=area)
    counts, flagged = expected(unit(area), today)
    assert {code: n for code, (_url, n) in links.items()} == counts
    # the product placed in a 2025 commune and the one placed in an old commune count in either scheme's province
    assert counts[EXPIRING_NO_DOSSIER] == 1 and counts[SHRINKING_AREA] == 1
    assert f"{flagged} sản phẩm có ít nhất một dấu hiệu" in html
    assert flagged == len(flags_for([products["expiring"].pk, products["shrinking"].pk, products["recent"].pk], today))
    # each count opens the watch list of that area and flag, which lists as many products
    for code, (url, n) in links.items():
        assert f"area={area.replace(':', '%3A')}" in url and f"flag={code}" in url
        assert watch_count(client, url) == n, code
    assert 'data-testid="flags-day-note"' not in html
    assert "private" in client.get(FLAGS_URL, {"area": area})["Cache-Control"]


def test_the_sonla_product_counts_only_in_sonla(client, system_admin, products, today, unit):
    client.force_login(system_admin)
    _html, dien_bien = card(client, area="2025:11")
    _html, son_la = card(client, area="2025:14")
    _html, country = card(client, area="vn")
    assert son_la[EXPIRING_NO_DOSSIER][1] == expected(unit("2025:14"), today)[0][EXPIRING_NO_DOSSIER] == 1
    assert country[EXPIRING_NO_DOSSIER][1] == dien_bien[EXPIRING_NO_DOSSIER][1] + son_la[EXPIRING_NO_DOSSIER][1]
    assert "area=" not in country[EXPIRING_NO_DOSSIER][0]  # the whole country: the unfiltered watch list


def test_the_officers_dashboard_asks_for_the_card(client, province_officer, products):
    client.force_login(province_officer)
    html = client.get(DASHBOARD_URL, {"area": "2025:11"}).content.decode()
    slot = re.search(r'<div hx-get="([^"]+)" hx-trigger="load"[^>]*data-testid="flags-slot"', html)
    assert slot and slot.group(1).startswith(reverse("reports:ocop_flags")) and "area=2025%3A11" in slot.group(1)


def test_a_past_date_is_counted_on_that_date_and_says_the_watch_list_is_today(
    client, province_officer, products, today, unit
):
    client.force_login(province_officer)
    day = today - datetime.timedelta(days=400)
    html, links = card(client, area="2025:11", as_of=day.isoformat())
    assert {code: n for code, (_url, n) in links.items()} == expected(unit("2025:11"), day)[0]
    assert 'data-testid="flags-day-note"' in html


def test_anonymous_visitors_get_nothing_and_the_public_page_does_not_change(client, province_officer, products):
    def public_page():
        response = client.get(DASHBOARD_URL, {"area": "2025:11"})
        assert response.status_code == 200
        return TOKEN_RE.sub(b"<token>", response.content)

    before = public_page()
    assert b"flags-slot" not in before and b"ocop-flags" not in before
    response = client.get(FLAGS_URL, {"area": "2025:11"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(province_officer)
    assert b"flags-slot" in client.get(DASHBOARD_URL, {"area": "2025:11"}).content
    assert b"ocop-flags" in client.get(FLAGS_URL, {"area": "2025:11"}).content
    client.logout()
    assert public_page() == before


@pytest.mark.parametrize("persona", ["other_province_officer", "commune_officer", "producer"])
def test_no_card_where_the_scope_does_not_reach_the_whole_area(client, products, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert b"flags-slot" not in client.get(DASHBOARD_URL, {"area": "2025:11"}).content
    fragment = client.get(FLAGS_URL, {"area": "2025:11"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.content.strip() == b""
    page = client.get(FLAGS_URL, {"area": "2025:11"}).content.decode()
    assert "ocop-flags" not in page and "flags-out-of-scope" in page


def test_the_commune_officer_sees_the_card_of_their_commune(client, commune_officer, products, unit, today):
    client.force_login(commune_officer)
    _html, links = card(client, area="2025:03328")
    assert {code: n for code, (_url, n) in links.items()} == expected(unit("2025:03328"), today)[0]
    assert links[EXPIRING_NO_DOSSIER][1] == 1


def test_a_wrong_area_is_answered_400_with_the_reason(client, province_officer):
    client.force_login(province_officer)
    response = client.get(FLAGS_URL, {"area": "2025:99999"}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and b"flags-error" in response.content


def test_the_card_runs_a_constant_number_of_queries(client, province_officer, certified, products, today):
    client.force_login(province_officer)
    client.get(FLAGS_URL, {"area": "2025:11"})  # warm the per-process caches (compiled SQL, reference rows)
    with CaptureQueriesContext(connection) as few:
        card(client, area="2025:11")
    for i in range(8):
        certified(f"Sản phẩm {i}", D(today.year - 3, 3, 1 + i), today + datetime.timedelta(days=20 + i), "2025:03328")
    with CaptureQueriesContext(connection) as many:
        _html, links = card(client, area="2025:11")
    assert links[EXPIRING_NO_DOSSIER][1] == 9
    assert len(many) == len(few)


def sheet_names(response):
    return load_workbook(io.BytesIO(response.content)).sheetnames


def test_the_officers_excel_lists_the_flagged_products_and_the_public_one_does_not(
    client, province_officer, other_province_officer, products, today, unit
):
    query = {"area": "2025:11"}
    public = client.get("/reports/ocop/export.xlsx", query)
    assert sheet_names(public) == ["Tổng hợp", "Theo đơn vị"]
    client.force_login(other_province_officer)  # Sơn La's officer: Điện Biên's public figures only
    assert sheet_names(client.get("/reports/ocop/export.xlsx", query)) == ["Tổng hợp", "Theo đơn vị"]
    client.force_login(province_officer)
    workbook = load_workbook(io.BytesIO(client.get("/reports/ocop/export.xlsx", query).content))
    assert workbook.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần theo dõi"]
    assert "private" in client.get("/reports/ocop/export.xlsx", query)["Cache-Control"]
    assert "private" not in public.get("Cache-Control", "")
    public_summary = list(load_workbook(io.BytesIO(public.content))["Tổng hợp"].values)
    assert list(workbook["Tổng hợp"].values) == public_summary
    rows = list(workbook["Cần theo dõi"].values)
    listed = {row[1]: row[6] for row in rows[2:]}
    flagged = flagged_in_force(unit("2025:11"), today)
    assert set(listed) == set(Product.objects.filter(pk__in=list(flagged)).values_list("name", flat=True))
    # neither the Sơn La product nor the expired one (no longer in force, whatever its flags) is listed
    assert set(listed) == {"Gạo Thanh Nưa", "Chè Mường Phăng"}
    assert "Vùng nguyên liệu thu hẹp" in listed["Chè Mường Phăng"]
