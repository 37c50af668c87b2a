"""Demo accounts for each role in Tỉnh Điện Biên and Tỉnh Sơn La (new scheme). Loaded by `make setup`."""

from django.conf import settings
from django.db import transaction

from accounts import services
from accounts.models import Membership, User
from accounts.roles import Role
from areas.queries import get_unit

# username, full name, role, area id (None = nationwide)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, None),
    ("tinh.dienbien", "Cán bộ VP điều phối NTM tỉnh Điện Biên", Role.PROVINCE_OFFICER, "2025:11"),
    ("xa.thanhyen", "Cán bộ xã Thanh Yên", Role.COMMUNE_OFFICER, "2025:03349"),
    ("hoidong.dienbien", "Chủ tịch Hội đồng OCOP tỉnh Điện Biên", Role.COUNCIL_MEMBER, "2025:11"),
    ("pct.dienbien", "Phó Chủ tịch Hội đồng OCOP tỉnh Điện Biên", Role.COUNCIL_MEMBER, "2025:11"),
    ("hoidong2.dienbien", "Thành viên Hội đồng OCOP tỉnh Điện Biên (thứ hai)", Role.COUNCIL_MEMBER, "2025:11"),
    ("hoidong3.dienbien", "Thành viên Hội đồng OCOP tỉnh Điện Biên (thứ ba)", Role.COUNCIL_MEMBER, "2025:11"),
    ("thuky.dienbien", "Thư ký Hội đồng OCOP tỉnh Điện Biên", Role.COUNCIL_MEMBER, "2025:11"),
    ("tuvan.dienbien", "Thành viên Tổ tư vấn OCOP tỉnh Điện Biên", Role.ADVISORY_MEMBER, "2025:11"),
    ("chuthe.dienbien", "Chủ thể OCOP tại xã Thanh Yên", Role.PRODUCER, "2025:03349"),
    ("xem.dienbien", "Người xem số liệu tỉnh Điện Biên", Role.VIEWER, "2025:11"),
    ("tinh.sonla", "Cán bộ VP điều phối NTM tỉnh Sơn La", Role.PROVINCE_OFFICER, "2025:14"),
    ("xa.chiengla", "Cán bộ xã Chiềng La", Role.COMMUNE_OFFICER, "2025:03754"),
    ("hoidong.sonla", "Thành viên Hội đồng OCOP tỉnh Sơn La", Role.COUNCIL_MEMBER, "2025:14"),
    ("tuvan.sonla", "Thành viên Tổ tư vấn OCOP tỉnh Sơn La", Role.ADVISORY_MEMBER, "2025:14"),
    ("chuthe.sonla", "Chủ thể OCOP tại xã Chiềng La", Role.PRODUCER, "2025:03754"),
    ("xem.sonla", "Người xem số liệu tỉnh Sơn La", Role.VIEWER, "2025:14"),
]


def load_demo_users(password: str | None = None) -> list[tuple[str, str, str]]:
    """Creates missing demo users and memberships; leaves existing ones (and changed passwords) alone."""
    password = password or settings.DEMO_PASSWORD
    rows = []
    with transaction.atomic():
        for username, full_name, role, area_id in DEMO_USERS:
            area = get_unit(area_id) if area_id else None
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.create_user(
                    actor=None,
                    username=username,
                    password=password,
                    full_name=full_name,
                    is_staff=role == Role.SYSTEM_ADMIN,
                    is_superuser=role == Role.SYSTEM_ADMIN,
                )
            if not Membership.objects.active().filter(user=user, role=role, area=area).exists():
                services.grant_membership(actor=None, user=user, role=role, area=area)
            rows.append((username, Role(role).label, area.name if area else "toàn quốc"))
    return rows


# Demo producer accounts and the demo producers (from products/data/demo_register.csv) they act for.
DEMO_PRODUCER_LINKS = {"chuthe.dienbien": "Chủ thể tại xã Thanh Yên", "chuthe.sonla": "Chủ thể tại xã Chiềng La"}


def load_demo_register():
    """The demo register goes in through the import itself, as a province's spreadsheet would; idempotent."""
    from certification.imports import import_register
    from producers.models import Producer
    from products.loader import DEMO_REGISTER_PATH

    result = import_register(DEMO_REGISTER_PATH, actor=None, filename=DEMO_REGISTER_PATH.name)
    for username, producer_name in DEMO_PRODUCER_LINKS.items():
        producer = Producer.objects.filter(name=producer_name).first()
        user = User.objects.filter(username=username).first()
        if producer and user:
            producer.accounts.add(user)
    return result
