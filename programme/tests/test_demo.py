"""The demo's sales channels and trade-promotion events (`manage.py load_demo`): loaded through the services,
shown on the public and the officers' pages, and written once."""

import pytest
from django.utils import timezone

from accounts.demo import load_demo_register, load_demo_users
from core.models import AuditEntry
from products.models import Product, ProductPhoto
from programme.demo import load_demo_programme
from programme.models import EcommerceListing, Event, Outlet, Participation, ParticipationStatus, Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo_users()
    load_demo_register()
    return load_demo_programme()


def _rows():
    return {
        "outlets": Outlet.objects.count(),
        "listings": EcommerceListing.objects.count(),
        "events": Event.objects.count(),
        "participations": Participation.objects.count(),
        "results": Participation.objects.filter(results_recorded_at__isnull=False).count(),
        "photos": ProductPhoto.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_a_second_load_creates_nothing(demo):
    before = _rows()
    again = load_demo_programme()
    assert _rows() == before
    assert again.counts == {}
    assert before["outlets"] and before["listings"] and before["events"] == 3 and before["photos"] == 1


def test_approved_channels_of_products_in_force_are_on_their_public_pages(demo, client):
    product = Product.objects.get(name="Gạo nếp tan Thanh Yên")
    page = client.get(f"/catalog/product/{product.pk}/").content.decode()
    assert "Điểm bán sản phẩm OCOP xã Thanh Yên" in page
    assert "https://example.com/demo/shopee/gao-nep-tan-thanh-yen" in page
    assert "https://example.com/demo/tiktok/gao-nep-tan-thanh-yen" not in page  # still waiting for review


def test_one_producer_proposal_waits_in_the_province_officers_queue(demo, client):
    pending = EcommerceListing.objects.get(review=Review.PENDING)
    assert pending.proposed_by.username == "chuthe.dienbien" and not pending.is_public
    approved = EcommerceListing.objects.get(url="https://example.com/demo/shopee/gao-nep-tan-thanh-yen")
    assert approved.is_public and approved.approved_by.username == "tinh.dienbien"
    client.force_login(pending.product.producer.accounts.get(username="chuthe.dienbien"))
    assert client.get("/programme/channels/review/").status_code in (403, 404)
    from accounts.models import User

    client.force_login(User.objects.get(username="tinh.dienbien"))
    queue = client.get("/programme/channels/review/").content.decode()
    assert "https://example.com/demo/tiktok/gao-nep-tan-thanh-yen" in queue


def test_a_past_fair_has_results_and_an_upcoming_fair_a_pending_registration(demo):
    today = timezone.localdate()
    past, upcoming = demo.events["past-fair"], demo.events["upcoming-fair"]
    assert past.end_date < today < upcoming.start_date
    accepted = past.participations.filter(status=ParticipationStatus.ACCEPTED)
    assert accepted.count() == 2 and all(p.results_recorded_at and p.sales_value for p in accepted)
    waiting = upcoming.participations.get(status=ParticipationStatus.REGISTERED)
    assert waiting.registered_by.username == "chuthe.dienbien"
    assert upcoming.is_public and not upcoming.is_cancelled


def test_the_catalogue_home_announces_the_upcoming_fair_and_features_the_photographed_product(demo, client):
    home = client.get("/catalog/")
    assert demo.events["upcoming-fair"].name in home.content.decode()
    assert [card.product.name for card in home.context["featured"]] == ["Mận hậu Mường Phăng"]


def test_the_demo_photo_is_a_real_png_shown_on_the_product_page(demo, client):
    from PIL import Image

    photo = ProductPhoto.objects.get()
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "PNG" and image.size == (960, 720)
    assert photo.product.name == "Mận hậu Mường Phăng"
    address = f"/catalog/product/{photo.product_id}/photos/{photo.pk}/"
    assert address in client.get(f"/catalog/product/{photo.product_id}/").content.decode()
    served = client.get(address)
    assert served.status_code == 200 and b"".join(served.streaming_content if served.streaming else [served.content])
