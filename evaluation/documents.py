"""Printable council records: one member's scoresheet and the council minutes (biên bản) of a round, as A4 portrait
PDFs rendered with WeasyPrint from evaluation/pdf/*.html; and the round's results as an XLSX workbook.

The minutes are an official record: the organising committee's letterhead, the meeting's date and place (a line to
fill in by hand while the round does not record them), the council by name and role and the advisory team apart, each
product's result with who presided, and the secretary's and the chair's signatures with their names. A scoresheet
never splits a criterion row across pages, and its table header repeats on every page.

These functions render; who may download what is the views' business (council.readable_sheets / may_see_aggregate).
Results of an item still being scored are left out of the minutes and the workbook.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from certification.documents import committee_of
from core.spreadsheets import row_values
from evaluation import council, engine
from evaluation.council_models import (
    COUNTED_ROLES,
    Answer,
    Conflict,
    CouncilMember,
    ItemStatus,
    MemberRole,
    RoundItem,
    Scoresheet,
)
from evaluation.models import Criterion


def vn_number(value) -> str:
    """82.5 → "82,50": two decimals with the Vietnamese decimal comma; "—" for no value."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".replace(".", ",")


def _pdf(html: str) -> bytes:
    """HTML → PDF; the fetcher refuses every scheme but data:, so no name can make the renderer read a file."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


# --------------------------------------------------------------------------------------------------------------------
# One member's scoresheet


def scoresheet_context(sheet: Scoresheet) -> dict:
    sheet = Scoresheet.objects.select_related(
        "member__user", "item__product__producer", "item__evaluation_round", "item__sheet__category"
    ).get(pk=sheet.pk)
    chosen = {a.criterion_id: a.option for a in Answer.objects.filter(sheet=sheet).select_related("option")}
    parts = []
    for criterion in (
        Criterion.objects.filter(scope=sheet.item.sheet_id)
        .select_related("section__part")
        .order_by("section__part__position", "section__position", "position", "id")
    ):
        section, part = criterion.section, criterion.section.part
        if not parts or parts[-1]["part"].pk != part.pk:
            parts.append({"part": part, "sections": [], "total": Decimal("0")})
        sections = parts[-1]["sections"]
        if not sections or sections[-1]["section"].pk != section.pk:
            sections.append({"section": section, "rows": []})
        option = chosen.get(criterion.id)
        if option is not None:
            parts[-1]["total"] += option.points
        sections[-1]["rows"].append(
            {
                "criterion": criterion,
                "option": option,
                "points": vn_number(option.points) if option else "—",
                "max_points": vn_number(criterion.max_points),
            }
        )
    for part in parts:
        part["total_text"] = vn_number(part["total"])
    return {
        "sheet": sheet,
        "member": sheet.member,
        "item": sheet.item,
        "product_code": council.product_code(sheet.item),
        "product": sheet.item.product,
        "evaluation_round": sheet.item.evaluation_round,
        "parts": parts,
        "total": vn_number(sheet.total),
        "submitted_at": timezone.localtime(sheet.submitted_at) if sheet.submitted_at else None,
        "printed_at": timezone.localtime(),
    }


def render_scoresheet_pdf(sheet: Scoresheet) -> bytes:
    return _pdf(render_to_string("evaluation/pdf/scoresheet.html", scoresheet_context(sheet)))


def scoresheet_filename(sheet: Scoresheet) -> str:
    return f"phieu-cham-{sheet.item_id}-{sheet.member_id}.pdf"


# --------------------------------------------------------------------------------------------------------------------
# The council minutes of a round


@dataclass
class ItemRecord:
    item: RoundItem
    scored: bool  # False while the item is still being scored: no figures are printed
    result: engine.Result | None = None
    totals: list[tuple[CouncilMember, str, bool]] = field(default_factory=list)  # member, total, counted
    flags: list[str] = field(default_factory=list)
    presiding: CouncilMember | None = None  # set when a vice-chair presided for a conflicted chair
    presided_by: CouncilMember | None = None  # who presided over the item: the chair or that vice-chair


def member_name(member: CouncilMember | None) -> str:
    """The person's full name as the minutes print it (the username only when no name was recorded)."""
    if member is None:
        return ""
    return member.user.get_full_name() or member.user.username


def _item_record(item: RoundItem, members: dict[int, CouncilMember]) -> ItemRecord:
    if item.status == ItemStatus.SCORING:
        return ItemRecord(item=item, scored=False)
    result = council.result_of(item)
    counted = set(result.counted)
    totals = [
        (members[s.member_id], vn_number(s.total), s.member_id in counted)
        for s in Scoresheet.objects.filter(item=item).order_by("member__role", "member_id")
        if s.member_id in members and s.status == "submitted"
    ]

    def name(member_id):
        return members[member_id].user.get_full_name() or members[member_id].user.username

    flags = [
        _("%(a)s và %(b)s lệch %(d)s điểm") % {"a": name(a), "b": name(b), "d": vn_number(d)}
        for a, b, d in result.flagged_pairs
    ]
    presided_by = council.presiding_member(item, list(members.values()))
    presiding = presided_by if presided_by is not None and presided_by.role != MemberRole.CHAIR else None
    return ItemRecord(
        item=item,
        scored=True,
        result=result,
        totals=totals,
        flags=flags,
        presiding=presiding,
        presided_by=presided_by,
    )


def minutes_context(evaluation_round) -> dict:
    members = {
        m.id: m
        for m in CouncilMember.objects.filter(evaluation_round=evaluation_round).select_related("user").order_by("id")
    }
    role_order = {role: n for n, role in enumerate(MemberRole.values)}
    items = list(
        RoundItem.objects.filter(evaluation_round=evaluation_round)
        .select_related("product__producer", "product__group")
        .order_by("id")
    )
    records = [_item_record(item, members) for item in items]
    for record in records:
        if record.result is not None:
            record.mean = vn_number(record.result.mean)
            record.median = vn_number(record.result.median)
            record.spread = vn_number(record.result.spread)
            record.advisory_mean = vn_number(record.result.advisory_mean)
        record.presided_by_name = member_name(record.presided_by)
    ordered = sorted(members.values(), key=lambda m: (role_order.get(m.role, 9), m.id))
    chair = next((m for m in ordered if m.role == MemberRole.CHAIR), None)
    authority = committee_of(evaluation_round.province)
    return {
        "evaluation_round": evaluation_round,
        "authority": authority,
        "meeting_date": evaluation_round.meeting_date,
        "meeting_place": evaluation_round.meeting_place.strip(),
        "members": ordered,
        "council_members": [m for m in ordered if m.role != MemberRole.ADVISORY],
        "advisory_members": [m for m in ordered if m.role == MemberRole.ADVISORY],
        "chair": chair,
        "chair_name": member_name(chair),
        "secretaries": [member_name(m) for m in ordered if m.role == MemberRole.SECRETARY],
        "conflicts": list(
            Conflict.objects.filter(item__evaluation_round=evaluation_round)
            .select_related("member__user", "item__product")
            .order_by("item_id", "member_id")
        ),
        "records": records,
        "printed_at": timezone.localtime(),
    }


def render_minutes_pdf(evaluation_round) -> bytes:
    return _pdf(render_to_string("evaluation/pdf/minutes.html", minutes_context(evaluation_round)))


def minutes_filename(evaluation_round) -> str:
    return f"bien-ban-hoi-dong-{evaluation_round.pk}.pdf"


# --------------------------------------------------------------------------------------------------------------------
# Results workbook


def results_workbook(evaluation_round) -> bytes:
    """One row per product: product, producer, group, each counted member's total (one column per council member who
    counts), mean, stars, status. Numbers are stored as numbers; items still being scored show only their status."""
    members = list(
        CouncilMember.objects.filter(evaluation_round=evaluation_round, role__in=COUNTED_ROLES)
        .select_related("user")
        .order_by("id")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kết quả đánh giá")[:31]
    ws.append(row_values([evaluation_round.title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    header = [_("STT"), _("Tên sản phẩm"), _("Chủ thể"), _("Nhóm sản phẩm")]
    header += [m.user.get_full_name() or m.user.username for m in members]
    header += [_("Điểm bình quân"), _("Hạng sao"), _("Tình trạng")]
    ws.append(row_values(header))  # member names are people's input too
    for cell in ws[3]:
        cell.font = Font(bold=True)
    items = (
        RoundItem.objects.filter(evaluation_round=evaluation_round)
        .select_related("product__producer", "product__group")
        .order_by("id")
    )
    for n, item in enumerate(items, start=1):
        row = [n, item.product.name, item.product.producer.name, item.product.group.name]
        if item.status == ItemStatus.SCORING:
            row += [None] * len(members) + [None, None]
        else:
            result = council.result_of(item)
            counted = set(result.counted)
            totals = dict(Scoresheet.objects.filter(item=item).values_list("member_id", "total"))
            row += [float(totals[m.id]) if m.id in counted else None for m in members]
            row += [float(result.mean) if result.mean is not None else None, result.final_stars]
        row.append(str(item.get_status_display()))
        ws.append(row_values(row))
    for i, width in enumerate([6, 36, 32, 22] + [14] * len(members) + [14, 10, 22], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=4, min_col=5, max_col=5 + len(members)):
        for cell in row:
            cell.number_format = "0.00"
    ws.freeze_panes = "B4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def results_filename(evaluation_round) -> str:
    return f"ket-qua-danh-gia-{evaluation_round.pk}.xlsx"
