"""The demo (`make setup` → `manage.py load_demo`): accounts for each role in Tỉnh Điện Biên and Tỉnh Sơn La (new
scheme), the register — historical rows and certificates valid, expiring and expired on the demo's day — and ideas
and dossiers at every step. Everything goes in through the services and the register import; decision, letter and
receipt numbers start with "DEMO-" (illustrations, not real documents). See `demo_day` for dates and reloads."""

import csv
import datetime
import io

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Membership, User
from accounts.roles import Role
from areas.queries import get_unit

# username, full name, role, area id (None = nationwide)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.SYSTEM_ADMIN, None),
    ("tinh.dienbien", "Cán bộ VP điều phối NTM tỉnh Điện Biên", Role.PROVINCE_OFFICER, "2025:11"),
    ("xa.thanhyen", "Cán bộ xã Thanh Yên", Role.COMMUNE_OFFICER, "2025:03349"),
    ("xa.thanhnua", "Cán bộ xã Thanh Nưa", Role.COMMUNE_OFFICER, "2025:03328"),
    ("xa.nuangam", "Cán bộ xã Núa Ngam", Role.COMMUNE_OFFICER, "2025:03358"),
    ("xa.muongnha", "Cán bộ xã Mường Nhà", Role.COMMUNE_OFFICER, "2025:03368"),
    ("xa.muongphang", "Cán bộ xã Mường Phăng", Role.COMMUNE_OFFICER, "2025:03325"),
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

# ── The demo's day ─────────────────────────────────────────────────────────────────────────────────────────────────
#
# Everything "alive" in the demo is dated from the day the demo is FIRST loaded (its anchor day): certificates valid,
# expiring and expired on that day, the round being scored, this year's and last year's NTM assessments. The anchor
# is read back from the database (the date of the anchor decision below plus its offset), so a reload — the same day
# or any later day — rebuilds exactly the same rows and writes nothing. To move the demo to a later day, load it into
# a fresh database. Every demo decision, letter and receipt number starts with "DEMO-".

ANCHOR_DECISION = "DEMO-DB-01/QĐ-UBND"
ANCHOR_OFFSET = 150  # days between the anchor decision and the anchor day


def demo_day() -> datetime.date:
    """The anchor day of the demo: the day it was first loaded (today when nothing of it is loaded yet)."""
    from certification.models import Decision

    decision = Decision.objects.filter(number=ANCHOR_DECISION).order_by("date").first()
    if decision is None:
        return timezone.localdate()
    return decision.date + datetime.timedelta(days=ANCHOR_OFFSET)


# Places as the register names them: before 01/07/2025 by (province, district, commune), from then on in the 2025
# scheme by (province, commune).
PLACES = {
    "thanh-yen": ("Điện Biên", "Huyện Điện Biên", "Xã Thanh Yên", "Xã Thanh Yên"),
    "muong-phang": ("Điện Biên", "Thành phố Điện Biên Phủ", "Xã Mường Phăng", "Xã Mường Phăng"),
    "muong-ang": ("Điện Biên", "Huyện Mường Ảng", "Thị trấn Mường Ảng", "Xã Mường Ảng"),
    "chieng-la": ("Sơn La", "Huyện Thuận Châu", "Xã Chiềng La", "Xã Chiềng La"),
}

# The living register, beside the historical rows of products/data/demo_register.csv (which carry the published
# provincial figures and have long expired): (product, producer, producer type, place, group, stars, decision
# number, state on the anchor day, days). "valid": decided `days` before the anchor day, valid 36 months; "expiring":
# valid until `days` after it (within the 30-day warning window); "expired": valid until `days` before it — both
# decided 36 months before their end, so under the pre-2025 names.
LIVING_REGISTER = [
    (
        "Gạo nếp tan Thanh Yên",
        "Chủ thể tại xã Thanh Yên",
        "ho",
        "thanh-yen",
        "thuc-pham",
        3,
        ANCHOR_DECISION,
        "valid",
        ANCHOR_OFFSET,
    ),
    (
        "Mận hậu Mường Phăng",
        "HTX Nông nghiệp Mường Phăng",
        "htx",
        "muong-phang",
        "thuc-pham",
        4,
        ANCHOR_DECISION,
        "valid",
        ANCHOR_OFFSET,
    ),
    (
        "Miến dong Mường Ảng",
        "HTX Miến dong Mường Ảng",
        "htx",
        "muong-ang",
        "thuc-pham",
        3,
        "DEMO-DB-02/QĐ-UBND",
        "expiring",
        12,
    ),
    (
        "Rượu ngô Mường Phăng",
        "HTX Nông nghiệp Mường Phăng",
        "htx",
        "muong-phang",
        "do-uong",
        3,
        "DEMO-DB-03/QĐ-UBND",
        "expiring",
        25,
    ),
    (
        "Thịt trâu gác bếp Thanh Yên",
        "Chủ thể tại xã Thanh Yên",
        "ho",
        "thanh-yen",
        "thuc-pham",
        3,
        "DEMO-DB-04/QĐ-UBND",
        "expired",
        40,
    ),
    (
        "Măng khô Mường Ảng",
        "HTX Miến dong Mường Ảng",
        "htx",
        "muong-ang",
        "thuc-pham",
        3,
        "DEMO-DB-05/QĐ-UBND",
        "expired",
        200,
    ),
    (
        "Cà phê Arabica Chiềng La",
        "Chủ thể tại xã Chiềng La",
        "ho",
        "chieng-la",
        "do-uong",
        4,
        "DEMO-SL-01/QĐ-UBND",
        "valid",
        90,
    ),
    (
        "Mật ong hoa nhãn Chiềng La",
        "HTX Nông nghiệp Chiềng La",
        "htx",
        "chieng-la",
        "thuc-pham",
        3,
        "DEMO-SL-02/QĐ-UBND",
        "expiring",
        18,
    ),
    (
        "Chè búp Chiềng La",
        "HTX Nông nghiệp Chiềng La",
        "htx",
        "chieng-la",
        "do-uong",
        3,
        "DEMO-SL-03/QĐ-UBND",
        "expired",
        60,
    ),
]


def living_register_csv(day: datetime.date) -> bytes:
    """The living register as a province's spreadsheet would give it, dated from `day`."""
    from areas.choices import REFORM_DATE
    from certification.imports import REGISTER_COLUMNS
    from certification.rules import add_months

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.key for column in REGISTER_COLUMNS])
    for product, producer, producer_type, place, group, stars, number, state, days in LIVING_REGISTER:
        if state == "valid":
            decided, valid_until = day - datetime.timedelta(days=days), None
        else:
            valid_until = day + datetime.timedelta(days=days if state == "expiring" else -days)
            decided = add_months(valid_until, -36)
        province, district, old_commune, new_commune = PLACES[place]
        old = decided < REFORM_DATE
        writer.writerow(
            [
                product,
                producer,
                producer_type,
                province,
                district if old else "",
                old_commune if old else new_commune,
                group,
                stars,
                "",
                number,
                f"{decided:%d/%m/%Y}",
                f"{valid_until:%d/%m/%Y}" if valid_until else "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def load_demo_register():
    """The demo register goes in through the import itself, as a province's spreadsheet would: the historical file,
    then the living register dated from the demo's day; idempotent. Returns the living register's result."""
    from certification.imports import import_register
    from producers.models import Producer
    from products.loader import DEMO_REGISTER_PATH

    with transaction.atomic():
        historical = import_register(DEMO_REGISTER_PATH, actor=None, filename=DEMO_REGISTER_PATH.name)
        day = demo_day()
        result = import_register(io.BytesIO(living_register_csv(day)), actor=None, filename="demo_register_song.csv")
        result.summary = f"historical: {historical.summary}; dated from {day:%d/%m/%Y}: {result.summary}"
        for username, producer_name in DEMO_PRODUCER_LINKS.items():
            producer = Producer.objects.filter(name=producer_name).first()
            user = User.objects.filter(username=username).first()
            if producer and user:
                producer.accounts.add(user)
    return result


# ── Ideas and dossiers at every step (products/workflow.py) ─────────────────────────────────────────────────────────
#
# Registered by the demo producers' accounts at their communes and screened by the communes' officers, through the
# workflow services (their own dates are the day they run). Keyed by (producer, idea name): an idea already recorded
# is left as it is, so a reload writes nothing.

# (producer account, commune officer, commune, idea name, 148 group, step reached, reason when returned)
IDEAS = [
    ("chuthe.dienbien", "xa.thanhyen", "2025:03349", "Rượu nếp cẩm Thanh Yên", "do-uong", "idea-submitted", ""),
    (
        "chuthe.dienbien",
        "xa.thanhyen",
        "2025:03349",
        "Măng ớt Thanh Yên",
        "thuc-pham",
        "idea-returned",
        "Chưa nêu nguồn măng: bổ sung vùng nguyên liệu (bản, diện tích) và cách sơ chế.",
    ),
    ("chuthe.dienbien", "xa.thanhyen", "2025:03349", "Tương ớt Mường Thanh", "thuc-pham", "dossier-draft", ""),
    ("chuthe.dienbien", "xa.thanhyen", "2025:03349", "Cơm lam Thanh Yên", "thuc-pham", "dossier-submitted", ""),
    (
        "chuthe.dienbien",
        "xa.thanhyen",
        "2025:03349",
        "Xôi ngũ sắc Thanh Yên",
        "thuc-pham",
        "dossier-returned",
        "Thiếu bản sao giấy đăng ký kinh doanh còn hiệu lực; bổ sung rồi nộp lại.",
    ),
    ("chuthe.dienbien", "xa.thanhyen", "2025:03349", "Chẩm chéo Thanh Yên", "thuc-pham", "dossier-forwarded", ""),
    ("chuthe.sonla", "xa.chiengla", "2025:03754", "Rượu sim Chiềng La", "do-uong", "idea-submitted", ""),
    ("chuthe.sonla", "xa.chiengla", "2025:03754", "Khoai môn Chiềng La", "thuc-pham", "dossier-submitted", ""),
]
IDEA_TEXT = {
    "description": "Sản phẩm truyền thống của đồng bào Thái, làm từ nguyên liệu của các hộ (dữ liệu minh họa).",
    "raw_materials": "Nguyên liệu do các hộ trong xã trồng, thu hái.",
}
BUSINESS_PLAN = "Sản xuất 2 tấn/năm tại cơ sở của chủ thể; bán tại chợ phiên, cửa hàng OCOP tỉnh (dữ liệu minh họa)."
# Answers the printed forms need beyond what the record already knows (products.dossier_forms.initial_for).
MAU_01 = {
    "nguoi_dai_dien": "Lò Văn Minh",
    "chuc_vu": "Chủ hộ kinh doanh",
    "dien_thoai": "0215 3820 000",
    "so_luong_mau": 5,
}
MAU_02 = {
    "loai_hinh": "Hộ kinh doanh",
    "dien_thoai": "0215 3820 000",
    "dai_dien_ho_ten": "Lò Văn Minh",
    "dai_dien_gioi_tinh": "nam",
    "dai_dien_dan_toc": "Thái",
    "ngay_thanh_lap": "2018-04-02",
    "so_giay_dang_ky": "62A8000123",
    "co_giay_dkkd": True,
    "da_cong_bo_chat_luong": True,
    "co_gcn_attp": True,
    "lich_su": "Hộ sản xuất từ năm 2018, nghề truyền thống của gia đình (dữ liệu minh họa).",
    "co_cau_to_chuc": "Chủ hộ và 6 lao động thường xuyên.",
    "p2_vung_nguyen_lieu": "Nguyên liệu của 20 hộ trong xã, chế biến tại cơ sở.",
    "p2_thay_doi_chat_luong": "Bao bì mới có tem truy xuất nguồn gốc.",
    "p2_thi_truong": "Chợ phiên, cửa hàng OCOP trong tỉnh.",
    "p2_ket_qua": "Doanh thu 600 triệu đồng/năm.",
    "p3_tu_danh_gia": "Tự đánh giá đạt 3 sao.",
    "p4_ke_hoach": "Mở rộng vùng nguyên liệu, đăng ký nhãn hiệu.",
}
MAU_03 = {
    "dai_dien_ho_ten": "Lò Văn Minh",
    "dai_dien_gioi_tinh": "nam",
    "dai_dien_dan_toc": "Thái",
    "nguyen_lieu": "Nguyên liệu của các hộ trong xã.",
    "lao_dong": "6 lao động thường trú tại xã.",
    "nguon_goc_y_tuong": "Sản phẩm truyền thống của đồng bào Thái.",
    "ban_sac": "Cách làm truyền thống của bản, gắn với lễ hội địa phương.",
}
DEMO_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STEPS = [
    "idea-submitted",
    "idea-returned",
    "dossier-draft",
    "dossier-submitted",
    "dossier-returned",
    "dossier-forwarded",
]


def _form_data(code, dossier, extra) -> dict:
    from products import dossier_forms, workflow

    commune = dossier.product.location
    place = f"{commune.name}, {commune.province.name}"
    data = {
        **dossier_forms.initial_for(code, dossier, workflow.today()),
        "dia_chi": place,
        "dai_dien_thuong_tru": place,
        **extra,
    }
    if code == "mau-01" and not data.get("phan_nhom"):
        data["phan_nhom"] = dossier_forms.subgroup_choices(dossier.product)[0][0]
    return data


def _prepare_dossier(dossier, producer_user):
    """The producer writes the plan, fills in Mẫu số 01 and 02 and attaches the mandatory documents."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from products import workflow

    workflow.save_dossier(actor=producer_user, dossier=dossier, business_plan=BUSINESS_PLAN)
    workflow.save_registration_form(actor=producer_user, dossier=dossier, data=_form_data("mau-01", dossier, MAU_01))
    dossier.refresh_from_db()
    workflow.save_self_assessment(actor=producer_user, dossier=dossier, data=_form_data("mau-02", dossier, MAU_02))
    for item in workflow.dossier_checklist(dossier):
        if item.mandatory:
            upload = SimpleUploadedFile(f"{item.code}.pdf", DEMO_PDF, content_type="application/pdf")
            workflow.upload_document(actor=producer_user, dossier=dossier, doc_type=item.code, uploaded=upload)
    dossier.refresh_from_db()
    return dossier


def load_demo_ideas() -> dict[str, int]:
    """Ideas and dossiers at every step of products/workflow.py; idempotent. Returns the steps created."""
    from producers.models import Producer
    from products import workflow
    from products.models import ProductCategory, ProductIdea

    created: dict[str, int] = {}
    with transaction.atomic():
        users = {u.username: u for u in User.objects.filter(username__in={i[0] for i in IDEAS} | {i[1] for i in IDEAS})}
        for username, officer_name, commune_id, name, group_code, step, reason in IDEAS:
            producer = Producer.objects.get(name=DEMO_PRODUCER_LINKS[username])
            if ProductIdea.objects.filter(producer=producer, product_name=name).exists():
                continue
            producer_user, officer = users[username], users[officer_name]
            reached = STEPS.index(step)
            idea = workflow.register_idea(
                actor=producer_user,
                producer=producer,
                product_name=name,
                group=ProductCategory.objects.get(system="148", code=group_code),
                location=get_unit(commune_id),
                **IDEA_TEXT,
            )
            created[step] = created.get(step, 0) + 1
            if step == "idea-returned":
                workflow.return_idea(actor=officer, idea=idea, reason=reason)
                continue
            if reached < STEPS.index("dossier-draft"):
                continue
            idea = workflow.accept_idea(actor=officer, idea=idea)
            dossier = idea.product.dossiers.get()
            if step == "dossier-draft":
                workflow.save_dossier(actor=producer_user, dossier=dossier, business_plan=BUSINESS_PLAN)
                continue
            dossier = _prepare_dossier(dossier, producer_user)
            dossier = workflow.submit_dossier(actor=producer_user, dossier=dossier)
            if step == "dossier-returned":
                workflow.return_dossier(actor=officer, dossier=dossier, reason=reason)
            elif step == "dossier-forwarded":
                workflow.record_receipt(actor=officer, dossier=dossier, receipt_no="DEMO-01/PĐK")
                dossier.refresh_from_db()
                workflow.save_commune_report(actor=officer, dossier=dossier, data=_form_data("mau-03", dossier, MAU_03))
                workflow.forward_dossier(actor=officer, dossier=dossier)
    return created
