"""Sales channels and trade promotion in the demo (`make setup` → `manage.py load_demo`, after the register).

Everything goes in through the programme services as the people of the demo would record it:
- channels of demo products in force: the province officers enter outlets and listings (public at once); one listing
  is proposed by the producer account chuthe.dienbien and approved by tinh.dienbien (the whole review flow in the
  audit log); one more proposal of chuthe.dienbien waits in /programme/channels/review/;
- three events dated from the demo's day (accounts.demo.demo_day): a past provincial fair in Điện Biên with accepted
  participants and their results, an upcoming public fair with one producer accepted by the office and one pending
  registration of chuthe.dienbien, and a past supply–demand conference in Sơn La whose results are not recorded yet;
- one generated product photo (Pillow, no binary file in the repository) when the product has none.

Each step first looks for what it would write (channels by product and name or address, events by name and
province, participations by event and producer), so a reload writes nothing. Names, addresses, links and results
are illustrations ("dữ liệu minh họa"), not real shops or figures; links point to example.com.
"""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_day
from accounts.models import User
from areas.queries import get_unit
from producers.models import Producer
from products.models import Product
from programme import channel_services, event_services
from programme.models import (
    EcommerceListing,
    Event,
    EventKind,
    EventLevel,
    Outlet,
    OutletKind,
    Participation,
    Platform,
)

DEMO = "dữ liệu minh họa"

# (officer who enters it, product, producer, kind, values); a commune is given by its area id.
CHANNELS = [
    (
        "tinh.dienbien",
        "Gạo nếp tan Thanh Yên",
        "Chủ thể tại xã Thanh Yên",
        "outlet",
        {
            "kind": OutletKind.OCOP_SHOP,
            "name": f"Điểm bán sản phẩm OCOP xã Thanh Yên ({DEMO})",
            "address": "Gần trụ sở Ủy ban nhân dân xã",
            "commune": "2025:03349",
        },
    ),
    (
        "tinh.dienbien",
        "Mận hậu Mường Phăng",
        "HTX Nông nghiệp Mường Phăng",
        "outlet",
        {
            "kind": OutletKind.TOURIST_SITE,
            "name": f"Quầy đặc sản tại điểm du lịch Mường Phăng ({DEMO})",
            "address": "Điểm du lịch cộng đồng của xã",
            "commune": "2025:03325",
        },
    ),
    (
        "tinh.dienbien",
        "Mận hậu Mường Phăng",
        "HTX Nông nghiệp Mường Phăng",
        "listing",
        {"platform": Platform.POSTMART, "url": "https://example.com/demo/postmart/man-hau-muong-phang"},
    ),
    (
        "tinh.dienbien",
        "Miến dong Mường Ảng",
        "HTX Miến dong Mường Ảng",
        "listing",
        {"platform": Platform.TIKI, "url": "https://example.com/demo/tiki/mien-dong-muong-ang"},
    ),
    (
        "tinh.sonla",
        "Cà phê Arabica Chiềng La",
        "Chủ thể tại xã Chiềng La",
        "outlet",
        {
            "kind": OutletKind.OCOP_SHOP,
            "name": f"Điểm bán sản phẩm OCOP xã Chiềng La ({DEMO})",
            "address": "Gần trụ sở Ủy ban nhân dân xã",
            "commune": "2025:03754",
        },
    ),
    (
        "tinh.sonla",
        "Cà phê Arabica Chiềng La",
        "Chủ thể tại xã Chiềng La",
        "listing",
        {"platform": Platform.SHOPEE, "url": "https://example.com/demo/shopee/ca-phe-arabica-chieng-la"},
    ),
]
# (producer account, officer who approves it or None to leave it waiting, product, producer, kind, values)
PROPOSALS = [
    (
        "chuthe.dienbien",
        "tinh.dienbien",
        "Gạo nếp tan Thanh Yên",
        "Chủ thể tại xã Thanh Yên",
        "listing",
        {"platform": Platform.SHOPEE, "url": "https://example.com/demo/shopee/gao-nep-tan-thanh-yen"},
    ),
    (
        "chuthe.dienbien",
        None,
        "Gạo nếp tan Thanh Yên",
        "Chủ thể tại xã Thanh Yên",
        "listing",
        {"platform": Platform.TIKTOK_SHOP, "url": "https://example.com/demo/tiktok/gao-nep-tan-thanh-yen"},
    ),
]

# Events: key, officer, days from the demo's day to its start and end, and the event's values.
EVENTS = [
    (
        "past-fair",
        "tinh.dienbien",
        -45,
        -42,
        {
            "name": f"Hội chợ sản phẩm OCOP tỉnh Điện Biên ({DEMO})",
            "kind": EventKind.FAIR,
            "level": EventLevel.PROVINCE,
            "organiser": f"Văn phòng điều phối NTM tỉnh Điện Biên ({DEMO})",
            "place": "Trung tâm tỉnh Điện Biên",
            "area": "2025:11",
            "province": "2025:11",
            "description": "Hội chợ giới thiệu, bán sản phẩm OCOP của các xã trong tỉnh. Số liệu kết quả là minh họa.",
        },
    ),
    (
        "upcoming-fair",
        "tinh.dienbien",
        20,
        23,
        {
            "name": f"Hội chợ OCOP và đặc sản vùng Tây Bắc ({DEMO})",
            "kind": EventKind.FAIR,
            "level": EventLevel.NATIONAL,
            "organiser": f"Ban tổ chức hội chợ ({DEMO})",
            "place": "Trung tâm tỉnh Điện Biên",
            "area": "2025:11",
            "province": "2025:11",
            "description": "Chủ thể OCOP đăng ký tham gia trên hệ thống; Văn phòng điều phối NTM tỉnh duyệt đăng ký.",
        },
    ),
    (
        "past-conference",
        "tinh.sonla",
        -20,
        -20,
        {
            "name": f"Hội nghị kết nối cung cầu cà phê Chiềng La ({DEMO})",
            "kind": EventKind.CONFERENCE,
            "level": EventLevel.PROVINCE,
            "organiser": f"Văn phòng điều phối NTM tỉnh Sơn La ({DEMO})",
            "place": "Trung tâm tỉnh Sơn La",
            "area": "2025:14",
            "province": "2025:14",
            "description": "",
        },
    ),
]
# (event key, officer, producer, products, results (contracts, sales in đồng, new buyers) or None)
PARTICIPANTS = [
    ("past-fair", "tinh.dienbien", "Chủ thể tại xã Thanh Yên", ["Gạo nếp tan Thanh Yên"], (2, 45_000_000, 6)),
    ("past-fair", "tinh.dienbien", "HTX Nông nghiệp Mường Phăng", ["Mận hậu Mường Phăng"], (1, 30_000_000, 4)),
    ("upcoming-fair", "tinh.dienbien", "HTX Nông nghiệp Mường Phăng", ["Mận hậu Mường Phăng"], None),
    ("past-conference", "tinh.sonla", "Chủ thể tại xã Chiềng La", ["Cà phê Arabica Chiềng La"], None),
]
# (event key, producer account, producer, products): registrations waiting for the office
REGISTRATIONS = [
    ("upcoming-fair", "chuthe.dienbien", "Chủ thể tại xã Thanh Yên", ["Gạo nếp tan Thanh Yên"]),
]
RESULTS_NOTE = f"Kết quả do chủ thể báo cáo ({DEMO})."

# a 4★ product in force, so the catalogue home has a featured product (featured needs 5★ or 4★ with a photo)
PHOTO_PRODUCT = ("Mận hậu Mường Phăng", "HTX Nông nghiệp Mường Phăng")
PHOTO_CAPTION = "Ảnh minh họa tạo tự động, không phải ảnh chụp sản phẩm"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass
class DemoResult:
    counts: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)  # key → Event

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"channels entered={c.get('channels', 0)}; proposals={c.get('proposals', 0)} "
            f"(approved={c.get('approved', 0)}); events created={c.get('events', 0)}; "
            f"participants added={c.get('participants', 0)}; registrations={c.get('registrations', 0)}; "
            f"results recorded={c.get('results', 0)}; photos added={c.get('photos', 0)}"
        )


def _product(name: str, producer: str) -> Product:
    return Product.objects.select_related("location").get(name=name, producer__name=producer)


def _existing_channel(product, kind: str, values: dict):
    if kind == "outlet":
        rows = Outlet.objects.filter(name=values["name"])
    else:
        rows = EcommerceListing.objects.filter(url=values["url"])
    return rows.filter(product=product, removed_at__isnull=True).first()


def _values(kind: str, values: dict) -> dict:
    values = dict(values)
    if kind == "outlet":
        values["commune"] = get_unit(values["commune"])
    else:
        values.setdefault("checked_on", None)
    return values


def _load_channels(users, result):
    for officer, name, producer, kind, values in CHANNELS:
        product = _product(name, producer)
        if _existing_channel(product, kind, values) is None:
            channel_services.enter_directly(
                actor=users[officer], product=product, kind=kind, values=_values(kind, values)
            )
            result.add("channels")
    for account, officer, name, producer, kind, values in PROPOSALS:
        product = _product(name, producer)
        if _existing_channel(product, kind, values) is not None:
            continue
        row = channel_services.propose(actor=users[account], product=product, kind=kind, values=_values(kind, values))
        result.add("proposals")
        if officer:
            channel_services.approve(actor=users[officer], kind=kind, pk=row.pk)
            result.add("approved")


def _load_events(users, result, day):
    for key, officer, start, end, values in EVENTS:
        province = get_unit(values["province"])
        event = Event.objects.filter(name=values["name"], province=province).first()
        if event is None:
            event = event_services.create_event(
                actor=users[officer],
                **{
                    **values,
                    "province": province,
                    "area": get_unit(values["area"]) if values["area"] else None,
                    "start_date": day + datetime.timedelta(days=start),
                    "end_date": day + datetime.timedelta(days=end),
                    "is_public": True,
                },
            )
            result.add("events")
        result.events[key] = event
    for key, officer, producer_name, names, results in PARTICIPANTS:
        event, producer = result.events[key], Producer.objects.get(name=producer_name)
        participation = Participation.objects.filter(event=event, producer=producer).first()
        if participation is None:
            products = [_product(name, producer_name) for name in names]
            participation = event_services.add_participant(
                actor=users[officer], event=event, producer=producer, products=products
            )
            result.add("participants")
        if results and participation.results_recorded_at is None:
            contracts, sales, buyers = results
            event_services.record_results(
                actor=users[officer],
                participation=participation,
                contracts_signed=contracts,
                sales_value=sales,
                new_buyers=buyers,
                note=RESULTS_NOTE,
            )
            result.add("results")
    for key, account, producer_name, names in REGISTRATIONS:
        event, producer = result.events[key], Producer.objects.get(name=producer_name)
        if Participation.objects.filter(event=event, producer=producer).exists():
            continue
        if event.start_date < timezone.localdate():
            continue  # a demo reloaded after the fair began: registrations are closed, as for anyone
        event_services.register_interest(
            actor=users[account],
            event=event,
            producer=producer,
            products=[_product(name, producer_name) for name in names],
        )
        result.add("registrations")


def demo_photo(title: str) -> bytes:
    """A 960×720 PNG drawn with Pillow: hills, a field and the product's name, marked as an illustration."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 960, 720
    image = Image.new("RGB", (width, height), (236, 246, 228))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 470), (260, 300), (520, 470)], fill=(120, 170, 110))
    draw.polygon([(340, 470), (640, 250), (960, 470)], fill=(90, 145, 95))
    draw.rectangle([0, 470, width, height], fill=(214, 190, 110))
    for x in range(0, width, 40):
        draw.line([(x, 470), (x + 60, height)], fill=(196, 168, 90), width=3)
    draw.ellipse([760, 60, 860, 160], fill=(250, 210, 90))
    try:
        font = ImageFont.truetype(str(FONT), 48) if FONT.exists() else ImageFont.load_default(size=48)
        small = ImageFont.truetype(str(FONT), 24) if FONT.exists() else ImageFont.load_default(size=24)
    except OSError:
        font = small = ImageFont.load_default()
    draw.rounded_rectangle([40, 40, 700, 200], radius=18, fill=(255, 255, 255))
    draw.text((70, 70), title, fill=(40, 70, 40), font=font)
    draw.text((70, 140), "Ảnh minh họa", fill=(110, 110, 110), font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _load_photo(result):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from products.services import add_photo

    product = _product(*PHOTO_PRODUCT)
    if product.photos.exists():
        return
    upload = SimpleUploadedFile("demo.png", demo_photo(product.name), content_type="image/png")
    add_photo(actor=None, product=product, uploaded=upload, caption=PHOTO_CAPTION)
    result.add("photos")


def load_demo_programme() -> DemoResult:
    """The demo's sales channels, events and a product photo; idempotent. Needs the demo accounts and register."""
    result = DemoResult()
    day = demo_day()
    usernames = {row[0] for row in CHANNELS} | {row[0] for row in PROPOSALS} | {row[1] for row in PROPOSALS}
    usernames |= {row[1] for row in EVENTS} | {row[1] for row in PARTICIPANTS} | {row[1] for row in REGISTRATIONS}
    with transaction.atomic():
        users = {u.username: u for u in User.objects.filter(username__in=usernames - {None})}
        _load_channels(users, result)
        _load_events(users, result, day)
        _load_photo(result)
    return result
