"""Plain helpers (not fixtures) that build a small published set, a round with a council and scored products.

Shared by the documents, proposals, API and concurrency tests; the points are the test's choosing. `build_round_2026`
and `score_to` work on the real 26/2026 sheets loaded with the reference data (`record_minimums` judges their star
minimums as the secretary; these two and `rules_of` live in evaluation.demo, which scores the demo round with them).
Rounds starting from 22/05/2026 follow 26/2026: the council scores a product only after the advisory team's report
(`report_all`, or `build_round(..., reported=True)`).
"""

import datetime

from conftest import make_user
from evaluation import advisory, council
from evaluation.council_models import MemberRole
from evaluation.demo import record_minimums as record_minimums  # shared with the demo
from evaluation.demo import rules_of as rules_of
from evaluation.demo import score_to as score_to
from evaluation.models import CriteriaSet, Criterion, Option, Part, Section, SheetScope
from producers.services import create_producer
from products.models import ProductCategory
from products.services import create_product

COUNCIL = [
    ("chu.tich", MemberRole.CHAIR),
    ("tv1", MemberRole.MEMBER),
    ("tv2", MemberRole.MEMBER),
    ("tv3", MemberRole.MEMBER),
    ("tu.van", MemberRole.ADVISORY),
    ("thu.ky", MemberRole.SECRETARY),
]


def build_set(code="TEST") -> CriteriaSet:
    """Parts A (60) and B (40), one section each; C1, C2 in A (40 and 20 points), C3 in B (40); options 0/half/top."""
    cs = CriteriaSet.objects.create(
        code=code,
        system="148",
        title="Bộ thử",
        decision="thử",
        valid_from=datetime.date(2023, 2, 24),
        status="published",
    )
    part_a = Part.objects.create(criteria_set=cs, code="A", name="Sản phẩm và sức mạnh cộng đồng", points=60)
    part_b = Part.objects.create(criteria_set=cs, code="B", name="Khả năng tiếp thị", points=40, position=1)
    section_a = Section.objects.create(criteria_set=cs, part=part_a, code="A1", name="Tổ chức sản xuất")
    section_b = Section.objects.create(criteria_set=cs, part=part_b, code="B1", name="Tiếp thị", position=1)
    scope = SheetScope.objects.create(
        criteria_set=cs, category=ProductCategory.objects.get(system="148", code="thuc-pham")
    )
    for n, (top, section) in enumerate([(40, section_a), (20, section_a), (40, section_b)], start=1):
        criterion = Criterion.objects.create(
            scope=scope, section=section, code=f"C{n}", text=f"Tiêu chí số {n}", position=n, max_points=top
        )
        for position, points in enumerate((0, top // 2, top)):
            Option.objects.create(criterion=criterion, text=f"Mức {points} điểm", points=points, position=position)
    return cs


def report_all(items, reporter):
    """The advisory team's (or the province office's) report on each item, which 26/2026 requires before scoring."""
    for item in items:
        advisory.write_report(
            actor=reporter, item=item, summary="Hồ sơ đầy đủ.", recommendation="Đề nghị hội đồng chấm điểm."
        )


def build_round(officer, unit, products=("Gạo thử",), prefix="", reported=False):
    """A round of Tỉnh Điện Biên with the COUNCIL above (usernames prefixed) and one item per product name;
    `reported`: the advisory team has reported on each item (the council may score)."""
    cs = build_set(code=f"TEST{prefix}")
    producer = create_producer(actor=None, name=f"HTX Thử{prefix}", producer_type="htx", location=unit("2025:03328"))
    rnd = council.create_round(
        actor=officer,
        province=unit("2025:11"),
        title=f"Đợt 1/2026{prefix}",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 10, 30),
        criteria_set=cs,
    )
    people = {}
    for name, role in COUNCIL:
        people[name] = make_user(prefix + name, "council_member", "2025:11")
        council.add_member(actor=officer, evaluation_round=rnd, user=people[name], role=role)
    items = []
    for name in products:
        product = create_product(
            actor=None,
            name=name,
            producer=producer,
            location=unit("2025:03328"),
            group=ProductCategory.objects.get(system="148", code="thuc-pham"),
        )
        items.append(council.add_product(actor=officer, evaluation_round=rnd, product=product))
    if reported:
        report_all(items, people["tu.van"])
    return rnd, items, people


def criteria(item):
    return list(Criterion.objects.filter(scope=item.sheet).order_by("position"))


def score(item, user, levels, submit=True, notes=None):
    """levels: the option index (0, 1, 2) chosen for C1, C2, C3 (C1 40/20/0, C2 20/10/0, C3 40/20/0)."""
    for criterion, level in zip(criteria(item), levels, strict=True):
        council.choose_option(
            actor=user,
            item=item,
            criterion=criterion,
            option=criterion.options.order_by("position")[level],
            notes=notes,
        )
    if submit:
        council.submit_sheet(actor=user, item=item)


def score_all(item, people, table, lock=True, approve=True):
    """table: username → levels; then the chair locks and approves."""
    for name, levels in table.items():
        score(item, people[name], levels)
    result = council.lock_item(actor=people["chu.tich"], item=item) if lock else None
    if approve:
        council.approve_item(actor=people["chu.tich"], item=item)
    item.refresh_from_db()
    return result


# ── The real 26/2026 set (reference data) ──────────────────────────────────────────────────────────────────────────

ROUND_2026 = (datetime.date(2026, 11, 2), datetime.date(2026, 12, 15))


def product_2026(unit, producer, name, subgroup_code=None, group_code=None):
    """A product of Điện Biên filed under a 26/2026 phân nhóm (`subgroup_code`, e.g. "04"; its 148 group follows), or
    only under a 148 group (`group_code`)."""
    subgroup = ProductCategory.objects.get(system="2026", code=subgroup_code) if subgroup_code else None
    group = subgroup.maps_to if subgroup else ProductCategory.objects.get(system="148", code=group_code)
    return create_product(
        actor=None, name=name, producer=producer, location=unit("2025:03328"), group=group, subgroup=subgroup
    )


def build_round_2026(officer, unit, products=(("Mật ong hoa cà phê", "04"),), prefix="", reported=True):
    """A round of Tỉnh Điện Biên in 11–12/2026 on the 26/2026 set, the COUNCIL above (usernames prefixed) and one item
    per (name, phân nhóm code) on that phân nhóm's sheet; the advisory team reports on each unless not `reported`."""
    cs = CriteriaSet.objects.get(code="26-2026")
    producer = create_producer(
        actor=None, name=f"HTX Mật ong{prefix}", producer_type="htx", location=unit("2025:03328")
    )
    rnd = council.create_round(
        actor=officer,
        province=unit("2025:11"),
        title=f"Đợt 2/2026{prefix}",
        starts_on=ROUND_2026[0],
        ends_on=ROUND_2026[1],
        criteria_set=cs,
    )
    people = {}
    for name, role in COUNCIL:
        people[name] = make_user(prefix + name, "council_member", "2025:11")
        council.add_member(actor=officer, evaluation_round=rnd, user=people[name], role=role)
    items = [
        council.add_product(evaluation_round=rnd, actor=officer, product=product_2026(unit, producer, name, code))
        for name, code in products
    ]
    if reported:
        report_all(items, people["tu.van"])
    return rnd, items, people
