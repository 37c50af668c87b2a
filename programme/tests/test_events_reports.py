"""The two events reports: figures by kind and level for a year, and products never promoted since recognition;
each page equals its Excel export."""

import datetime
import io
import itertools
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certification import services as certification
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product
from programme import event_services as services

pytestmark = pytest.mark.django_db
D = datetime.timedelta
_numbers = itertools.count(1)


class _Table(HTMLParser):
    """The text of each row of the table marked `data-testid`."""

    def __init__(self, testid):
        super().__init__()
        self.testid, self.inside, self.rows, self.cell = testid, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("data-testid") == self.testid:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(response, testid):
    parser = _Table(testid)
    parser.feed(response.content.decode())
    return parser.rows


def sheet_rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def shown(value):
    """A cell as the Vietnamese page shows it (8.565; dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def products(unit):
    group = ProductCategory.objects.get(system="148", code="thuc-pham")
    here, there = unit("2025:03328"), unit("2025:14")
    own = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=here)
    other = create_producer(actor=None, name="HTX Mường Phăng", producer_type="htx", location=here)
    far_commune = there.children.filter(level="commune").first()
    far = create_producer(actor=None, name="HTX Mộc Châu", producer_type="htx", location=far_commune)

    def make(name, producer):
        return create_product(actor=None, name=name, producer=producer, location=producer.location, group=group)

    return {
        "rice": make("Gạo tám", own),
        "tea": make("Chè Tủa Chùa", own),
        "honey": make("Mật ong", other),
        "bamboo": make("Măng khô", other),
        "fresh": make("Cà phê", other),
        "old": make("Rượu ngô", other),
        "far": make("Chè Mộc Châu", far),
    }


@pytest.fixture
def event(province_officer, unit):
    def make(name, start, end=None, kind="fair", level="province", province="2025:11", actor=None, **extra):
        return services.create_event(
            actor=actor or province_officer,
            name=name,
            kind=kind,
            level=level,
            organiser="Sở Công Thương",
            start_date=start,
            end_date=end or start + D(2),
            place="Điện Biên Phủ",
            area=None,
            province=unit(province),
            description="",
            is_public=True,
            **extra,
        )

    return make


@pytest.fixture
def take_part(province_officer, today):
    def run(event, products, results=None, actor=None):
        actor = actor or province_officer
        part = services.add_participant(actor=actor, event=event, producer=products[0].producer, products=products)
        if results:
            contracts, sales, buyers = results
            services.record_results(
                actor=actor, participation=part, contracts_signed=contracts, sales_value=sales, new_buyers=buyers
            )
        return part

    return run


@pytest.fixture
def year_data(event, take_part, products, other_province_officer, province_officer, today):
    year = today.year - 1
    fair1 = event("Hội chợ xuân", datetime.date(year, 3, 1))
    take_part(fair1, [products["rice"], products["tea"]], (2, 100_000_000, 3))
    take_part(fair1, [products["honey"]], (1, 50_000_000, 1))
    fair2 = event("Hội chợ hè", datetime.date(year, 6, 1))
    take_part(fair2, [products["rice"]], (1, 10_000_000, 0))
    expo = event("Triển lãm", datetime.date(year, 9, 1), kind="exhibition", level="national")
    take_part(expo, [products["tea"]])
    earlier = event("Livestream năm trước", datetime.date(year - 1, 5, 1), kind="livestream")
    take_part(earlier, [products["bamboo"]], (9, 9, 9))
    cancelled = event("Hội chợ bị hủy", datetime.date(year, 10, 1))
    services.cancel_event(actor=province_officer, event=cancelled, reason="Mưa bão")
    far = event("Hội chợ Sơn La", datetime.date(year, 4, 1), province="2025:14", actor=other_province_officer)
    take_part(far, [products["far"]], (5, 5, 5), actor=other_province_officer)
    return year


def test_report_counts_events_participants_and_results_by_kind_and_level(province_officer, year_data, client):
    client.force_login(province_officer)
    response = client.get(reverse("programme:event_report"), {"year": year_data})
    rows = table_rows(response, "event-report")
    assert rows[1:] == [
        ["Hội chợ", "Cấp tỉnh", "2", "2", "3", "4", "160.000.000", "4"],
        ["Triển lãm", "Cấp quốc gia", "1", "1", "1", "0", "0", "0"],
        ["Tổng cộng", "", "3", "2", "3", "4", "160.000.000", "4"],
    ]


def test_report_export_equals_the_page(province_officer, year_data, client):
    client.force_login(province_officer)
    url = reverse("programme:event_report")
    page = table_rows(client.get(url, {"year": year_data}), "event-report")
    sheet = sheet_rows(client.get(url, {"year": year_data, "format": "xlsx"}))
    assert sheet[0][0].startswith("Sự kiện xúc tiến thương mại năm")
    assert [[shown(v) for v in row] for row in sheet[1:]] == page


def test_report_of_another_year_or_area_leaves_the_events_out(province_officer, year_data, client):
    client.force_login(province_officer)
    url = reverse("programme:event_report")
    rows = table_rows(client.get(url, {"year": year_data - 1}), "event-report")
    assert rows[-1] == ["Tổng cộng", "", "1", "1", "1", "9", "9", "9"]
    elsewhere = table_rows(client.get(url, {"year": year_data, "area": "2025:14"}), "event-report")
    assert elsewhere[-1][2] == "0"  # Sơn La's events are not this officer's


def test_report_refuses_a_bad_year_with_a_message(province_officer, client):
    client.force_login(province_officer)
    response = client.get(reverse("programme:event_report"), {"year": "abc"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_producer_cannot_open_the_reports(producer, client):
    client.force_login(producer)
    assert client.get(reverse("programme:event_report")).status_code == 403
    assert client.get(reverse("programme:never_promoted")).status_code == 403


# --- never promoted -------------------------------------------------------------------------------------------


@pytest.fixture
def certify(unit):
    def run(product, decided):
        decision, _ = certification.get_or_create_decision(
            actor=None,
            number=f"{next(_numbers)}/QĐ-UBND",
            date=decided,
            kind="recognition",
            issuing_level="province",
            province=unit("2025:11"),
        )
        cert, _ = certification.record_certificate(actor=None, product=product, decision=decision, stars=4)
        return cert

    return run


@pytest.fixture
def promotion_data(products, certify, event, take_part, today, other_province_officer):
    certify(products["rice"], today - D(400))
    take_part(event("Hội chợ sau công nhận", today - D(100)), [products["rice"]])
    certify(products["tea"], today - D(50))
    take_part(event("Hội chợ trước công nhận", today - D(100), today - D(98)), [products["tea"]])
    certify(products["bamboo"], today - D(200))
    certify(products["fresh"], today - D(30))
    take_part(event("Hội chợ sắp tới", today + D(10)), [products["fresh"]])
    certify(products["old"], today - D(1200))  # expired
    certify(products["far"], today - D(300))  # another province
    # products["honey"] holds no certificate


def test_never_promoted_lists_certified_products_without_an_event_since_recognition(
    province_officer, promotion_data, products, client, today
):
    client.force_login(province_officer)
    rows = table_rows(client.get(reverse("programme:never_promoted")), "never-promoted")
    assert [row[1] for row in rows[1:]] == ["Măng khô", "Chè Tủa Chùa", "Cà phê"]
    assert rows[1][6] == (today - D(200)).strftime("%d/%m/%Y")


def test_never_promoted_export_equals_the_page(province_officer, promotion_data, client):
    client.force_login(province_officer)
    url = reverse("programme:never_promoted")
    page = table_rows(client.get(url), "never-promoted")
    sheet = sheet_rows(client.get(url, {"format": "xlsx"}))
    assert [[shown(v) for v in row] for row in sheet[1:]] == page


def test_never_promoted_runs_constant_queries(
    province_officer, promotion_data, products, certify, client, django_assert_num_queries, today
):
    client.force_login(province_officer)
    url = reverse("programme:never_promoted")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    certify(products["honey"], today - D(20))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert "Mật ong" in response.content.decode()


def test_never_promoted_and_report_accept_the_province_in_the_old_scheme(province_officer, promotion_data, client):
    client.force_login(province_officer)
    url = reverse("programme:never_promoted")
    new = table_rows(client.get(url, {"area": "2025:11"}), "never-promoted")
    old = table_rows(client.get(url, {"area": "pre2025:11"}), "never-promoted")
    assert len(new) == 4 and old == new
    report = reverse("programme:event_report")
    year = timezone.localdate().year
    assert table_rows(client.get(report, {"year": year, "area": "pre2025:11"}), "event-report") == table_rows(
        client.get(report, {"year": year, "area": "2025:11"}), "event-report"
    )
