"""Sales channels: a producer proposes, an officer of the product's area approves or rejects, the public sees only
the last approved version."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from conftest import make_user
from core.errors import DomainError, PermissionRefused
from core.models import AuditEntry
from producers.services import create_producer
from products.models import Product, ProductCategory
from products.services import create_product
from programme import channel_services as services
from programme.channel_queries import (
    ECOMMERCE,
    filter_products_by_channel,
    public_channels,
)
from programme.models import EcommerceListing, LinkState, Outlet, OutletKind, Review

pytestmark = pytest.mark.django_db


def new_product(unit, name, producer_name="Hợp tác xã Nông nghiệp Thanh Hưng", area="2025:03328"):
    producer = create_producer(actor=None, name=producer_name, producer_type="htx", location=unit(area))
    return create_product(
        actor=None,
        name=name,
        producer=producer,
        location=unit(area),
        group=ProductCategory.objects.get(system="148", code="thuc-pham"),
    )


@pytest.fixture
def product(unit, producer):
    product = new_product(unit, "Gạo tám thơm Điện Biên")
    product.producer.accounts.add(producer)
    return product


def outlet_values(unit, **extra):
    return {
        "kind": OutletKind.OCOP_SHOP,
        "name": "Điểm bán OCOP Mường Thanh",
        "address": "Số 1 đường Võ Nguyên Giáp",
        "commune": unit("2025:03328"),
        **extra,
    }


def listing_values(**extra):
    return {"platform": "shopee", "url": "https://shopee.vn/gao-tam-thom", "checked_on": None, **extra}


def public_names(product):
    return [o.name for o in public_channels([product.pk])[product.pk].outlets]


# ── Moderation ─────────────────────────────────────────────────────────────────────────────────────────────────────


def test_producer_proposal_is_not_public_until_an_officer_approves_it(product, producer, commune_officer, unit):
    outlet = services.save_channel(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    assert outlet.review == Review.PENDING and not outlet.is_public
    assert public_names(product) == []
    assert not filter_products_by_channel(Product.objects.filter(pk=product.pk), OutletKind.OCOP_SHOP).exists()

    services.approve(actor=commune_officer, kind="outlet", pk=outlet.pk)

    assert public_names(product) == ["Điểm bán OCOP Mường Thanh"]
    assert filter_products_by_channel(Product.objects.filter(pk=product.pk), OutletKind.OCOP_SHOP).exists()
    assert not filter_products_by_channel(Product.objects.filter(pk=product.pk), OutletKind.SUPERMARKET).exists()


def test_pending_edit_keeps_the_approved_version_public_until_approved(product, producer, province_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    services.approve(actor=province_officer, kind="outlet", pk=outlet.pk)

    services.propose(
        actor=producer, product=product, kind="outlet", values=outlet_values(unit, name="Tên mới"), pk=outlet.pk
    )
    assert public_names(product) == ["Điểm bán OCOP Mường Thanh"]

    services.approve(actor=province_officer, kind="outlet", pk=outlet.pk)
    assert public_names(product) == ["Tên mới"]


def test_rejection_needs_a_reason_and_keeps_the_old_public_version(product, producer, commune_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    services.approve(actor=commune_officer, kind="outlet", pk=outlet.pk)
    services.propose(
        actor=producer, product=product, kind="outlet", values=outlet_values(unit, name="Sai"), pk=outlet.pk
    )

    with pytest.raises(DomainError) as refused:
        services.reject(actor=commune_officer, kind="outlet", pk=outlet.pk, reason="   ")
    assert refused.value.field == "reason"
    assert Outlet.objects.get(pk=outlet.pk).review == Review.PENDING

    services.reject(actor=commune_officer, kind="outlet", pk=outlet.pk, reason="Điểm bán này đã đóng cửa")
    outlet.refresh_from_db()
    assert outlet.review == Review.REJECTED and outlet.review_reason == "Điểm bán này đã đóng cửa"
    assert public_names(product) == ["Điểm bán OCOP Mường Thanh"]


def test_removal_proposal_keeps_the_channel_public_until_approved(product, producer, commune_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    services.approve(actor=commune_officer, kind="outlet", pk=outlet.pk)

    services.propose_removal(actor=producer, kind="outlet", pk=outlet.pk)
    assert public_names(product) == ["Điểm bán OCOP Mường Thanh"]

    services.approve(actor=commune_officer, kind="outlet", pk=outlet.pk)
    assert public_names(product) == []
    assert Outlet.objects.filter(pk=outlet.pk).exists()  # kept for history, only hidden


def test_withdrawing_a_never_approved_proposal_deletes_it(product, producer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    assert services.propose_removal(actor=producer, kind="outlet", pk=outlet.pk) is None
    assert not Outlet.objects.filter(pk=outlet.pk).exists()
    assert AuditEntry.objects.filter(action="programme.outlet.withdrawn", object_id=str(outlet.pk)).exists()


def test_officer_entry_is_public_at_once(product, province_officer):
    services.save_channel(actor=province_officer, product=product, kind="listing", values=listing_values())
    assert [x.url for x in public_channels([product.pk])[product.pk].listings] == ["https://shopee.vn/gao-tam-thom"]
    assert AuditEntry.objects.filter(action="programme.listing.created").count() == 1


def test_officer_of_another_province_cannot_approve(product, producer, other_province_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    with pytest.raises(PermissionRefused):
        services.approve(actor=other_province_officer, kind="outlet", pk=outlet.pk)
    assert public_names(product) == []


def test_producer_of_another_producer_cannot_propose(product, unit):
    stranger = make_user("chuthe.khac", Role.PRODUCER, "2025:03328")
    new_product(unit, "Chè Shan tuyết", producer_name="Hộ kinh doanh Lò Văn A").producer.accounts.add(stranger)
    with pytest.raises(PermissionRefused):
        services.propose(actor=stranger, product=product, kind="outlet", values=outlet_values(unit))
    assert not Outlet.objects.exists()


def test_every_step_is_audited_with_the_product_area(product, producer, commune_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    services.reject(actor=commune_officer, kind="outlet", pk=outlet.pk, reason="Thiếu địa chỉ")
    services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit), pk=outlet.pk)
    services.approve(actor=commune_officer, kind="outlet", pk=outlet.pk)
    entries = list(AuditEntry.objects.filter(object_type="programme.outlet").order_by("id"))
    assert [e.action for e in entries] == [
        "programme.outlet.proposed",
        "programme.outlet.rejected",
        "programme.outlet.proposed",
        "programme.outlet.approved",
    ]
    assert {e.area_id for e in entries} == {product.location_id}
    assert entries[1].after["reason"] == "Thiếu địa chỉ"
    assert [e.actor_id for e in entries] == [producer.pk, commune_officer.pk, producer.pk, commune_officer.pk]


def test_dead_listing_is_not_public_but_approved_outlets_still_are(product, province_officer, unit):
    listing = services.save_channel(actor=province_officer, product=product, kind="listing", values=listing_values())
    services.save_channel(actor=province_officer, product=product, kind="outlet", values=outlet_values(unit))
    EcommerceListing.objects.filter(pk=listing.pk).update(link_state=LinkState.DEAD)
    channels = public_channels([product.pk])[product.pk]
    assert channels.listings == [] and len(channels.outlets) == 1
    assert not filter_products_by_channel(Product.objects.filter(pk=product.pk), ECOMMERCE).exists()


# ── Validation ─────────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("url", ["shopee.vn/abc", "ftp://shopee.vn/abc", "javascript:alert(1)"])
def test_listing_needs_a_web_address(product, producer, url):
    with pytest.raises(DomainError) as refused:
        services.propose(actor=producer, product=product, kind="listing", values=listing_values(url=url))
    assert refused.value.field == "url" and "http://" in refused.value.message
    assert not EcommerceListing.objects.exists()


def test_outlet_commune_must_be_a_commune_but_may_be_in_another_province(product, producer, unit):
    with pytest.raises(DomainError) as refused:
        services.propose(
            actor=producer, product=product, kind="outlet", values=outlet_values(unit, commune=unit("2025:11"))
        )
    assert refused.value.field == "commune"
    # an OCOP shop in another province (Hà Nội sells Điện Biên's rice) is a normal channel
    hanoi_commune = unit("2025:00004")
    assert hanoi_commune.province_id != product.location.province_id
    assert services.propose(
        actor=producer, product=product, kind="outlet", values=outlet_values(unit, commune=hanoi_commune)
    )


def test_agreement_cannot_end_before_it_starts(product, producer):
    values = {
        "partner": "Công ty Phân phối Tây Bắc",
        "region": "Hà Nội",
        "starts_on": datetime.date(2026, 5, 1),
        "ends_on": datetime.date(2026, 4, 1),
        "note": "",
    }
    with pytest.raises(DomainError) as refused:
        services.propose(actor=producer, product=product, kind="agreement", values=values)
    assert refused.value.field == "ends_on"


# ── Pages ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def test_producer_form_shows_what_is_wrong_and_keeps_what_was_typed(client, product, producer):
    client.force_login(producer)
    url = reverse("programme:channel_new", args=[product.pk, "listing"])
    response = client.post(url, {"platform": "tiki", "url": "ftp://tiki.vn/gao", "checked_on": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "http:// hoặc https://" in body and 'value="ftp://tiki.vn/gao"' in body
    assert not EcommerceListing.objects.exists()


def test_producer_proposes_through_the_page_and_sees_the_rejection_reason(
    client, product, producer, commune_officer, unit
):
    client.force_login(producer)
    response = client.post(
        reverse("programme:channel_new", args=[product.pk, "outlet"]),
        {"kind": "supermarket", "name": "Siêu thị Điện Biên", "address": "", "commune": "2025:03328"},
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get()
    assert outlet.review == Review.PENDING and not outlet.is_public

    client.force_login(commune_officer)
    queue = client.get(reverse("programme:channel_queue"))
    assert "Siêu thị Điện Biên" in queue.content.decode()
    empty = client.post(reverse("programme:channel_reject", args=["outlet", outlet.pk]), {"reason": ""}, follow=True)
    assert "Nhập lý do từ chối" in empty.content.decode()
    client.post(reverse("programme:channel_reject", args=["outlet", outlet.pk]), {"reason": "Không rõ địa chỉ"})

    client.force_login(producer)
    page = client.get(reverse("programme:channels", args=[product.pk])).content.decode()
    assert "Bị từ chối" in page and "Không rõ địa chỉ" in page


def test_officer_of_another_province_gets_404(client, product, producer, other_province_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    client.force_login(other_province_officer)
    assert client.get(reverse("programme:channels", args=[product.pk])).status_code == 404
    assert client.post(reverse("programme:channel_approve", args=["outlet", outlet.pk])).status_code == 404
    assert "Điểm bán OCOP" not in client.get(reverse("programme:channel_queue")).content.decode()
    assert Outlet.objects.get(pk=outlet.pk).review == Review.PENDING


def test_producer_of_another_producer_gets_404(client, product, unit):
    stranger = make_user("chuthe.khac", Role.PRODUCER, "2025:03328")
    new_product(unit, "Chè Shan tuyết", producer_name="Hộ kinh doanh Lò Văn A").producer.accounts.add(stranger)
    client.force_login(stranger)
    assert client.get(reverse("programme:channels", args=[product.pk])).status_code == 404
    new = reverse("programme:channel_new", args=[product.pk, "outlet"])
    assert client.post(new, {"kind": "other", "name": "X", "commune": "2025:03328"}).status_code == 404
    assert not Outlet.objects.exists()


def test_producer_cannot_open_the_moderation_queue(client, producer):
    client.force_login(producer)
    assert client.get(reverse("programme:channel_queue")).status_code == 403


def test_officer_edit_form_starts_from_the_current_commune(client, product, province_officer, unit):
    outlet = services.save_channel(actor=province_officer, product=product, kind="outlet", values=outlet_values(unit))
    client.force_login(province_officer)
    response = client.get(reverse("programme:channel_edit", args=[product.pk, "outlet", outlet.pk]))
    assert "[2025:03328]" in response.content.decode()


# ── Query counts ───────────────────────────────────────────────────────────────────────────────────────────────────


def _fill(products, unit, officer):
    for product in products:
        for n in range(2):
            services.save_channel(
                actor=officer, product=product, kind="outlet", values=outlet_values(unit, name=f"Điểm {n}")
            )
        services.save_channel(actor=officer, product=product, kind="listing", values=listing_values())
        services.save_channel(
            actor=officer,
            product=product,
            kind="agreement",
            values={"partner": "Đối tác", "region": "", "starts_on": None, "ends_on": None, "note": ""},
        )


def test_public_channels_costs_three_queries_whatever_the_number_of_products(
    unit, province_officer, django_assert_num_queries
):
    products = [new_product(unit, f"Sản phẩm {i}", producer_name=f"HTX {i}") for i in range(4)]
    _fill(products[:1], unit, province_officer)
    with django_assert_num_queries(3):
        one = public_channels([products[0].pk])
    _fill(products[1:], unit, province_officer)
    with django_assert_num_queries(3):
        many = public_channels([p.pk for p in products])
    assert len(one[products[0].pk].outlets) == 2
    assert all(len(many[p.pk].outlets) == 2 and many[p.pk].listings and many[p.pk].agreements for p in products)
    with django_assert_num_queries(0):
        assert public_channels([]) == {}


def test_moderation_queue_query_count_does_not_grow_with_the_queue(
    client, unit, commune_officer, django_assert_num_queries
):
    def propose(n):
        product = new_product(unit, f"Sản phẩm {n}", producer_name=f"HTX {n}")
        services.propose(actor=None, product=product, kind="outlet", values=outlet_values(unit))
        services.propose(actor=None, product=product, kind="listing", values=listing_values())

    client.force_login(commune_officer)
    url = reverse("programme:channel_queue")
    propose(0)
    client.get(url)  # sessions, scope caches warm
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(1, 5):
        propose(n)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Điểm bán OCOP Mường Thanh") == 5


def test_section_page_query_count_does_not_grow_with_channels(
    client, unit, province_officer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product = new_product(unit, "Gạo tám thơm Điện Biên")
    _fill([product], unit, province_officer)
    client.force_login(province_officer)
    url = reverse("programme:channels", args=[product.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _fill([product], unit, province_officer)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Điểm 1") == 2


def test_section_answers_htmx_with_the_fragment_only(client, product, producer):
    client.force_login(producer)
    response = client.get(reverse("programme:channels", args=[product.pk]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="channels"' in body and "<html" not in body


def test_dead_listing_is_flagged_to_the_producer_with_its_day_and_answer(client, product, producer, province_officer):
    listing = services.save_channel(actor=province_officer, product=product, kind="listing", values=listing_values())
    EcommerceListing.objects.filter(pk=listing.pk).update(
        link_state=LinkState.DEAD, link_dead_since=datetime.date(2026, 11, 30), link_status="HTTP 404"
    )
    client.force_login(producer)
    body = client.get(reverse("programme:channels", args=[product.pk])).content.decode()
    assert 'data-testid="link-dead"' in body and "30/11/2026" in body and "HTTP 404" in body


def test_officer_approves_from_the_queue_and_the_change_goes_public(client, product, producer, commune_officer, unit):
    outlet = services.propose(actor=producer, product=product, kind="outlet", values=outlet_values(unit))
    client.force_login(commune_officer)
    response = client.post(reverse("programme:channel_approve", args=["outlet", outlet.pk]))
    assert response.status_code == 302 and response.url == reverse("programme:channel_queue")
    assert public_names(product) == ["Điểm bán OCOP Mường Thanh"]


@pytest.mark.parametrize(
    ("persona", "section", "queue"),
    [
        ("producer", 200, 403),
        ("commune_officer", 200, 200),
        ("province_officer", 200, 200),
        ("other_commune_officer", 404, 200),
        ("other_province_officer", 404, 200),
        ("council_member", 404, 403),
        ("system_admin", 200, 200),
    ],
)
def test_who_reaches_the_section_and_the_queue(client, request, product, persona, section, queue):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programme:channels", args=[product.pk])).status_code == section
    assert client.get(reverse("programme:channel_queue")).status_code == queue


def test_anonymous_is_sent_to_the_login_page(client, product):
    response = client.get(reverse("programme:channels", args=[product.pk]))
    assert response.status_code == 302 and "login" in response.url
