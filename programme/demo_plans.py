"""The programme's management in the demo (issue 17; `make setup` → `manage.py load_demo`, after the register): only
what the seed articles (/work/shared/seeds) name, entered through the programme services by the province officers of
the demo (accounts.demo: tinh.sonla, tinh.dienbien) as they would record it from the article.

- Sơn La, seed 004 ("Thuận Châu (Sơn La) tập trung triển khai Chương trình “Mỗi xã một sản phẩm”", 2021): Huyện
  Thuận Châu's 2021 plan naming its 5 products — cà phê and mật ong proposed for the province's support, thịt hun
  khói, tinh dầu sả and chẳm chéo supported by the district from the NTM programme — with its target of 5 new
  products, and the district's OCOP training conference. The support ledger (programme.funding_services) holds no
  line for the three: a line needs a beneficiary (producer, product, linkage project or commune) and the article
  names none of them — the products are not registered.
- Điện Biên, seed 000 (Huyện Điện Biên, 2021): the linkage projects under way (vú sữa xã Thanh Hưng; lúa gạo xã Thanh
  Yên, Thanh An, Thanh Xương; bưởi da xanh) and the investment projects creating raw-material areas (mắc ca xã Mường
  Nhà, Mường Lói: being surveyed; bơ xã Núa Ngam: being implemented).
- One yearly monitoring report after recognition, for a product of the demo's living register, for the last
  completed year before the demo's day, submitted and waiting for the province: its figures are demo values.

The 2021 records name the units of their time (the pre-2025 scheme: Tỉnh Sơn La, Huyện Thuận Châu, Tỉnh Điện Biên and
Huyện Điện Biên's communes), found by name with the areas resolver. What an article does not say stays empty —
decision numbers, amounts, contract dates, areas — or, where a service requires a value the article does not give
(a linkage project's lead, an investor, a course's date, place and number of participants), is written as "not
given" in words and explained in the record's note. No honour is recorded: no seed names one.

Each step first looks for what it would write (by area, year and title; project name and province; product and
year), so a reload writes nothing.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.demo import demo_day
from accounts.models import User
from areas.queries import resolve_unit
from core.errors import DomainError
from products.models import Product
from programme import (
    funding_services,
    linkage_services,
    monitoring_services,
    plan_services,
    training_services,
)
from programme.choices import FundingSource, SupporterLevel, SupportPurpose
from programme.demo import DemoResult
from programme.models import (
    AnnualPlan,
    Audience,
    InvestmentProject,
    InvestmentStage,
    LineAction,
    LinkageProject,
    LinkageStatus,
    MonitoringReport,
    PlanTarget,
    SupportLine,
    TargetMetric,
    TrainingCourse,
    TrainingKind,
)

SEED_YEAR = 2021
SUPPORT_NOTE = "Bài viết nêu nguồn kinh phí (Chương trình MTQG NTM), không nêu số tiền và nội dung hỗ trợ."
ON = datetime.date(SEED_YEAR, 6, 30)  # a day of 2021: the units are those of the pre-2025 scheme
UNNAMED = "Chưa rõ (bài viết không nêu tên)"
SONLA, DIENBIEN = "tinh.sonla", "tinh.dienbien"

SEED_004 = "Bài “Thuận Châu (Sơn La) tập trung triển khai Chương trình “Mỗi xã một sản phẩm”” (năm 2021)"
SEED_000 = "Bài về kết quả năm 2021 của huyện Điện Biên (chương trình OCOP, liên kết sản xuất)"

# ── Sơn La: Huyện Thuận Châu's 2021 plan (seed 004) ────────────────────────────────────────────────────────────────
PLAN = {
    "title": "Kế hoạch triển khai thực hiện Chương trình “Mỗi xã một sản phẩm” trên địa bàn huyện Thuận Châu năm 2021",
    "note": (
        f"Nguồn: {SEED_004}: “Trong năm 2021 các sản phẩm dự kiến đề xuất đưa vào sản phẩm OCOP chủ lực của huyện "
        "Thuận Châu gồm 5 sản phẩm, trong đó 2 sản phẩm đề nghị tỉnh hỗ trợ là cà phê, mật ong; 3 sản phẩm huyện hỗ "
        "trợ gồm thịt hun khói, tinh dầu xả, chẳm chéo với nguồn kinh phí từ chương trình mục tiêu quốc gia nông "
        "thôn mới.” Số và ngày ban hành kế hoạch: bài viết không nêu."
    ),
}
TARGET_NOTE = "Bài viết: dự kiến đề xuất 5 sản phẩm OCOP chủ lực trong năm 2021; không nêu hạng sao."
# (name as the plan names it, who supports it, funding source, note)
PLAN_LINES = [
    ("Cà phê", SupporterLevel.PROVINCE, "", "Sản phẩm đề nghị tỉnh hỗ trợ; bài viết không nêu nguồn kinh phí."),
    ("Mật ong", SupporterLevel.PROVINCE, "", "Sản phẩm đề nghị tỉnh hỗ trợ; bài viết không nêu nguồn kinh phí."),
    ("Thịt hun khói", SupporterLevel.DISTRICT, FundingSource.NTM, "Huyện hỗ trợ, nguồn Chương trình MTQG NTM."),
    (
        "Tinh dầu sả",
        SupporterLevel.DISTRICT,
        FundingSource.NTM,
        "Huyện hỗ trợ, nguồn Chương trình MTQG NTM. Bài viết ghi “tinh dầu xả”.",
    ),
    ("Chẳm chéo", SupporterLevel.DISTRICT, FundingSource.NTM, "Huyện hỗ trợ, nguồn Chương trình MTQG NTM."),
]

# ── Sơn La: the district's OCOP training conference of 2021 (seed 004) ───────────────────────────────────────────
COURSE = {
    "title": "Hội nghị tập huấn, giới thiệu về Chương trình OCOP huyện Thuận Châu năm 2021",
    "kind": TrainingKind.CONFERENCE,
    "organiser": "UBND huyện Thuận Châu",
    "place": "Huyện Thuận Châu (bài viết không nêu địa điểm cụ thể)",
    # "các cơ quan, ban, ngành, đoàn thể huyện và UBND các xã, hợp tác xã, các doanh nghiệp trên địa bàn huyện"
    "audience": [Audience.AGENCIES, Audience.OFFICERS, Audience.COOPERATIVES, Audience.ENTERPRISES],
    "participants": None,
    "note": (
        f"Nguồn: {SEED_004}: “UBND huyện Thuận Châu đã ban hành kế hoạch tổ chức hội nghị tập huấn, giới thiệu về "
        "chương trình OCOP tới toàn thể các cơ quan, ban, ngành, đoàn thể huyện và UBND các xã, hợp tác xã, các "
        "doanh nghiệp trên địa bàn huyện.” Bài viết không nêu ngày tổ chức, địa điểm và số người tham dự: ngày "
        "30/09/2021 là giá trị minh họa (bài viết tổng kết đến tháng 9/2021), số người tham dự 0 nghĩa là chưa ghi "
        "nhận."
    ),
}
COURSE_DAY = datetime.date(SEED_YEAR, 9, 30)  # demo value: the article reports up to 9/2021 and gives no date

# ── Điện Biên: Huyện Điện Biên's linkage and investment projects (seed 000) ────────────────────────────────────────
LINKAGE_NOTE = (
    f"Nguồn: {SEED_000}: “Các dự án liên kết sản xuất đang được quan tâm triển khai thực hiện, từng bước phát huy "
    "hiệu quả … đã và đang mang lại những hiệu quả khả quan, phát huy được hợp đồng ký kết, tạo được niềm tin của "
    "nhân dân tham gia liên kết sản xuất.” Đơn vị chủ trì, diện tích, số hộ, ngày hợp đồng: bài viết không nêu."
)
# (name, product, communes of Huyện Điện Biên named by the article)
LINKAGES = [
    ("Dự án liên kết sản xuất quả vú sữa xã Thanh Hưng", "Quả vú sữa", ["Xã Thanh Hưng"]),
    (
        "Dự án liên kết sản xuất lúa gạo xã Thanh Yên, Thanh An, Thanh Xương",
        "Lúa gạo",
        ["Xã Thanh Yên", "Xã Thanh An", "Xã Thanh Xương"],
    ),
    ("Dự án liên kết sản xuất quả bưởi da xanh", "Quả bưởi da xanh", []),  # the article names no commune
]
# (name, crop, communes, stage, what the article says)
INVESTMENTS = [
    (
        "Dự án trồng mắc ca tại xã Mường Nhà, Mường Lói",
        "Mắc ca",
        ["Xã Mường Nhà", "Xã Mường Lói"],
        InvestmentStage.SURVEY,
        "“dự án trồng Mắc ca tại xã Mường Nhà, Mường Lói đang được huyện phối hợp, hỗ trợ khảo sát, lập dự án đầu tư”",
    ),
    (
        "Dự án trồng bơ tại xã Núa Ngam",
        "Bơ",
        ["Xã Núa Ngam"],
        InvestmentStage.IMPLEMENTING,
        "“Dự án Trồng Bơ tại xã Núa Ngam đang được nhà đầu tư liên kết với người dân thực hiện”",
    ),
]

# ── One monitoring report after recognition (demo values) ────────────────────────────────────────────────────────
# A product of accounts.demo.LIVING_REGISTER certified during the last completed year before any demo day: decided
# 36 months before its end, 12 days after the demo's day.
MONITORED = ("Miến dong Mường Ảng", "HTX Miến dong Mường Ảng")
MONITORING_FIGURES = {
    "output_quantity": Decimal("12000"),
    "output_unit": "kg",
    "revenue": Decimal("960000000"),
    "average_price": Decimal("80000"),
    "employees": 15,
    "employees_ethnic_minority": 11,
    "employees_women": 9,
    "raw_material_area_ha": Decimal("18.50"),
    "households_linked": 40,
    "markets": "Trong tỉnh Điện Biên; Hà Nội (dữ liệu minh họa)",
    "channels": "Cửa hàng OCOP, chợ phiên, sàn thương mại điện tử (dữ liệu minh họa)",
    "problems": "Số liệu minh họa của bản demo (dữ liệu minh họa), không phải số liệu thực tế của chủ thể.",
}


class PlansDemoResult(DemoResult):
    @property
    def summary(self) -> str:
        c = self.counts
        return (
            f"plans created={c.get('plans', 0)}; targets={c.get('targets', 0)}; plan lines={c.get('lines', 0)}; "
            f"linkage projects={c.get('linkages', 0)}; "
            f"investment projects={c.get('investments', 0)}; training courses={c.get('courses', 0)}; "
            f"monitoring reports={c.get('monitoring', 0)}; support lines={c.get('support', 0)}"
        )


def _old_unit(province: str, district: str | None = None, commune: str | None = None):
    return resolve_unit(province=province, district=district, commune=commune, on_date=ON)


def _users() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=[SONLA, DIENBIEN])}
    missing = sorted({SONLA, DIENBIEN} - set(users))
    if missing:
        raise DomainError(f"Chưa có tài khoản minh họa {', '.join(missing)}: chạy load_demo_users trước.")
    return users


def _load_plan(officer, result) -> AnnualPlan:
    district = _old_unit("Sơn La", "Huyện Thuận Châu")
    plan = AnnualPlan.objects.filter(area=district, year=SEED_YEAR, title=PLAN["title"]).first()
    if plan is None:
        plan = plan_services.create_plan(actor=officer, area=district, year=SEED_YEAR, **PLAN)
        result.add("plans")
    if not PlanTarget.objects.filter(plan=plan, metric=TargetMetric.NEW_PRODUCTS).exists():
        plan_services.add_target(
            actor=officer, plan=plan, metric=TargetMetric.NEW_PRODUCTS, value=len(PLAN_LINES), note=TARGET_NOTE
        )
        result.add("targets")
    named = {line.name: line for line in plan.lines.all()}
    for name, supporter, source, note in PLAN_LINES:
        if name not in named:
            plan_services.add_line(
                actor=officer,
                plan=plan,
                name=name,
                action=LineAction.NEW_RECOGNITION,
                supported_by=supporter,
                funding_source=source,
                note=note,
            )
            result.add("lines")
    # "3 sản phẩm huyện hỗ trợ … với nguồn kinh phí từ chương trình mục tiêu quốc gia nông thôn mới": the support
    # of each, its source known, its amount and purpose not given by the seed (purpose "other", amount unknown)
    for line in plan.lines.filter(funding_source=FundingSource.NTM).order_by("position", "pk"):
        if SupportLine.objects.filter(plan_line=line).exists():
            continue
        funding_services.create_support(
            actor=officer,
            province=plan.area.province,
            year=SEED_YEAR,
            plan_line=line,
            purpose=SupportPurpose.OTHER,
            source=FundingSource.NTM,
            supporter=SupporterLevel.DISTRICT,
            amount_planned=None,
            note=SUPPORT_NOTE,
        )
        result.add("support")
    return plan


def _load_course(officer, result) -> None:
    district = _old_unit("Sơn La", "Huyện Thuận Châu")
    if TrainingCourse.objects.filter(area=district, title=COURSE["title"]).exists():
        return
    training_services.create_course(
        actor=officer, province=district.province, area=district, start_date=COURSE_DAY, end_date=COURSE_DAY, **COURSE
    )
    result.add("courses")


def _load_projects(officer, result) -> None:
    province = _old_unit("Điện Biên")
    for name, product_text, communes in LINKAGES:
        if LinkageProject.objects.filter(province=province, name=name).exists():
            continue
        linkage_services.create_project(
            actor=officer,
            province=province,
            name=name,
            lead_name=UNNAMED,
            product_text=product_text,
            status=LinkageStatus.RUNNING,
            note=LINKAGE_NOTE,
            communes=[_old_unit("Điện Biên", "Huyện Điện Biên", commune) for commune in communes],
        )
        result.add("linkages")
    for name, crop, communes, stage, quote in INVESTMENTS:
        if InvestmentProject.objects.filter(province=province, name=name).exists():
            continue
        linkage_services.create_investment(
            actor=officer,
            province=province,
            name=name,
            investor_name=UNNAMED,
            crop=crop,
            stage=stage,
            note=f"Nguồn: {SEED_000}: {quote}. Nhà đầu tư, diện tích: bài viết không nêu.",
            communes=[_old_unit("Điện Biên", "Huyện Điện Biên", commune) for commune in communes],
        )
        result.add("investments")


def monitored_year() -> int:
    """The last completed year before the demo's day: the year whose report is due in the demo."""
    return demo_day().year - 1


def _load_monitoring(officer, result) -> None:
    name, producer = MONITORED
    product = Product.objects.select_related("location", "producer").get(name=name, producer__name=producer)
    year = monitored_year()
    if MonitoringReport.objects.filter(product=product, year=year).exists():
        return
    report = monitoring_services.save_report(actor=officer, product=product, year=year, values=MONITORING_FIGURES)
    monitoring_services.submit_report(actor=officer, report=report)
    result.add("monitoring")


def load_demo_plans() -> DemoResult:
    """The seeds' plans, projects, support, training and one monitoring report; idempotent. Needs the demo accounts
    and the demo register (accounts.demo)."""
    result = PlansDemoResult()
    with transaction.atomic():
        users = _users()
        _load_plan(users[SONLA], result)
        _load_course(users[SONLA], result)
        _load_projects(users[DIENBIEN], result)
        _load_monitoring(users[DIENBIEN], result)
    return result
