"""Every write of the village registry (DESIGN.md rule 1): keyword arguments, one transaction, scope check, audit.

Who may write: the province (ntm.manage) everything; a commune officer (ntm.assess) may add a village to a commune of
their own and correct its name, kind, code and note (they know their villages first); closing, moving, merging,
splitting, the import and the placement after the 2025 merger are the province's. `actor=None` is the system.

`Village.commune` is the commune of the village's latest placement, kept here, so that scoping reads one column.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import area_scope, require
from areas.choices import REFORM_DATE, Level
from areas.models import Succession
from core import audit
from core.errors import DomainError, PermissionRefused
from core.text import fold
from ntm.models import Recognition, Village, VillageKind, VillagePlacement, VillageSuccession
from ntm.village_queries import FAR_PAST, VILLAGE_KEYS

VILLAGE_FIELDS = ["name", "kind", "code", "commune", "valid_from", "valid_to", "note"]
NAME_LIMIT = 150


def _require_registry(actor, unit, message):
    """The province (ntm.manage) or the commune's own officer (ntm.assess)."""
    if actor is None:
        return
    if not any(area_scope(actor, action).contains(unit) for action in ("ntm.manage", "ntm.assess")):
        raise PermissionRefused(message)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Ghi tên thôn, bản."), field="name")
    if len(name) > NAME_LIMIT:
        raise DomainError(_("Tên thôn, bản dài quá %(n)s ký tự.") % {"n": NAME_LIMIT}, field="name")
    return name


def _check_kind(kind: str) -> str:
    if kind not in VillageKind.values:
        raise DomainError(
            _("Loại '%(k)s' không hợp lệ (dùng: %(v)s).") % {"k": kind, "v": ", ".join(VillageKind.values)},
            field="kind",
        )
    return kind


def _check_commune(commune, day):
    if commune is None or commune.level != Level.COMMUNE:
        raise DomainError(_("Chọn một đơn vị cấp xã (xã, phường, thị trấn, đặc khu)."), field="commune")
    if day != FAR_PAST and not commune.is_valid_on(day):
        raise DomainError(
            _("%(c)s không có hiệu lực ngày %(d)s.") % {"c": commune.name, "d": _day(day)}, field="commune"
        )


def _check_unique_name(commune, name, exclude=None):
    """Two villages of one name in a commune at once would make names (imports, recognitions) ambiguous."""
    open_here = VillagePlacement.objects.filter(commune=commune, valid_to__isnull=True).values("village_id")
    same = Village.objects.filter(pk__in=open_here, search_name=fold(name), valid_to__isnull=True)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise DomainError(
            _("%(c)s đã có thôn, bản tên '%(n)s'.") % {"c": commune.name, "n": name}, field="name", code="duplicate"
        )


def _snapshot(village) -> dict:
    return audit.snapshot(village, VILLAGE_FIELDS)


def create_village(
    *,
    actor,
    commune,
    name: str,
    kind: str = VillageKind.THON,
    code: str = "",
    valid_from: datetime.date | None = None,
    note: str = "",
    decision: str = "",
) -> Village:
    """A village of `commune` from `valid_from` (unknown: since the commune exists, or since 2000)."""
    _require_registry(actor, commune, _("Bạn chỉ thêm thôn, bản cho xã mình phụ trách."))
    name, kind = _clean_name(name), _check_kind(kind)
    start = valid_from or commune.valid_from or FAR_PAST
    _check_commune(commune, start)
    code = " ".join((code or "").split())[:30]
    with transaction.atomic():
        _check_unique_name(commune, name)
        village = Village.objects.create(
            name=name,
            search_name=fold(name),
            kind=kind,
            code=code,
            commune=commune,
            valid_from=valid_from,
            note=(note or "").strip(),
            created_by=audit.acting_user(actor),
        )
        VillagePlacement.objects.create(village=village, commune=commune, valid_from=start, decision=decision.strip())
        audit.record(actor=actor, action="ntm.village.created", obj=village, area=commune, after=_snapshot(village))
    return village


def update_village(*, actor, village: Village, name: str, kind: str, code: str = "", note: str = "") -> Village:
    """Correct the name, kind, code or note (a rename by decision is the same write, audited with both names)."""
    _require_registry(actor, village.commune, _("Bạn chỉ sửa thôn, bản của xã mình phụ trách."))
    name, kind = _clean_name(name), _check_kind(kind)
    with transaction.atomic():
        village = Village.objects.select_for_update().select_related("commune").get(pk=village.pk)
        before = _snapshot(village)
        if fold(name) != village.search_name:
            _check_unique_name(village.commune, name, exclude=village)
        village.name, village.search_name, village.kind = name, fold(name), kind
        village.code, village.note = " ".join((code or "").split())[:30], (note or "").strip()
        after = _snapshot(village)
        if after != before:
            village.save()
            audit.record(
                actor=actor, action="ntm.village.updated", obj=village, area=village.commune, before=before, after=after
            )
    return village


def _open_placement(village) -> VillagePlacement | None:
    return village.placements.filter(valid_to__isnull=True).order_by("-valid_from").first()


def _close(village: Village, last_day: datetime.date):
    """End the village (and its open placement) on `last_day`."""
    if village.valid_to is not None:
        raise DomainError(_("%(v)s đã chấm dứt từ %(d)s.") % {"v": village, "d": _day(village.valid_to)})
    placement = _open_placement(village)
    if placement is not None and last_day < placement.valid_from:
        raise DomainError(
            _("Ngày chấm dứt phải từ ngày %(d)s (ngày thôn, bản thuộc xã hiện tại).")
            % {"d": _day(placement.valid_from)},
            field="valid_to",
        )
    if placement is not None:
        placement.valid_to = last_day
        placement.save(update_fields=["valid_to"])
    village.valid_to = last_day
    village.save(update_fields=["valid_to"])


def close_village(*, actor, village: Village, valid_to: datetime.date, reason: str) -> Village:
    """The village ends on `valid_to` (its last day), e.g. dissolved by a decision."""
    require(actor, "ntm.manage", village.commune, _("Bạn không được chấm dứt thôn, bản của xã này."))
    if not (reason or "").strip():
        raise DomainError(_("Ghi lý do hoặc căn cứ chấm dứt."), field="reason")
    with transaction.atomic():
        village = Village.objects.select_for_update().select_related("commune").get(pk=village.pk)
        before = _snapshot(village)
        _close(village, valid_to)
        after = {**_snapshot(village), "reason": reason.strip()}
        audit.record(
            actor=actor, action="ntm.village.closed", obj=village, area=village.commune, before=before, after=after
        )
    return village


def _move(village: Village, commune, valid_from: datetime.date, decision: str) -> VillagePlacement:
    current = _open_placement(village)
    if village.valid_to is not None:
        raise DomainError(_("%(v)s đã chấm dứt: không chuyển xã được.") % {"v": village})
    if current is not None and current.commune_id == commune.pk:
        raise DomainError(_("%(v)s đã thuộc %(c)s.") % {"v": village, "c": commune.name}, field="commune")
    if current is not None and valid_from <= current.valid_from:
        raise DomainError(
            _("Ngày chuyển phải sau ngày %(d)s (ngày thôn, bản thuộc xã hiện tại).") % {"d": _day(current.valid_from)},
            field="valid_from",
        )
    _check_commune(commune, valid_from)
    if current is not None:
        current.valid_to = valid_from - datetime.timedelta(days=1)
        current.save(update_fields=["valid_to"])
    placement = VillagePlacement.objects.create(
        village=village, commune=commune, valid_from=valid_from, decision=(decision or "").strip()[:255]
    )
    village.commune = commune
    village.save(update_fields=["commune"])
    return placement


def move_village(*, actor, village: Village, commune, valid_from: datetime.date, decision: str = "") -> Village:
    """From `valid_from` the village lies in `commune` (the previous placement ends the day before)."""
    require(actor, "ntm.manage", village.commune, _("Bạn không được chuyển thôn, bản của xã này."))
    require(actor, "ntm.manage", commune, _("Bạn không được chuyển thôn, bản sang xã này."))
    with transaction.atomic():
        village = Village.objects.select_for_update().select_related("commune").get(pk=village.pk)
        before = {"commune": str(village.commune.area_id)}
        _move(village, commune, valid_from, decision)
        audit.record(
            actor=actor,
            action="ntm.village.moved",
            obj=village,
            area=commune,
            before=before,
            after={"commune": str(commune.area_id), "valid_from": str(valid_from), "decision": decision},
        )
    return village


def _link(predecessors, successor, day, decision):
    VillageSuccession.objects.bulk_create(
        VillageSuccession(predecessor=p, successor=successor, effective_date=day, decision=decision[:255])
        for p in predecessors
    )


def merge_villages(
    *,
    actor,
    villages,
    day: datetime.date,
    decision: str,
    into: Village | None = None,
    name: str = "",
    kind: str = VillageKind.THON,
) -> Village:
    """Villages merged from `day`: into one of them (`into`, which goes on) or into a new village (`name`, `kind`) of
    the commune they lie in. The others end the day before; each is linked to the result (VillageSuccession)."""
    villages = list(villages)
    if len({v.pk for v in villages} | ({into.pk} if into else set())) < 2:
        raise DomainError(_("Chọn ít nhất hai thôn, bản để sáp nhập."), field="villages")
    if not (decision or "").strip():
        raise DomainError(_("Ghi căn cứ (số quyết định) sáp nhập."), field="decision")
    for village in [*villages, *([into] if into else [])]:
        require(actor, "ntm.manage", village.commune, _("Bạn không được sáp nhập thôn, bản của xã này."))
    last_day = day - datetime.timedelta(days=1)
    with transaction.atomic():
        closing = [v for v in Village.objects.select_for_update().filter(pk__in=[v.pk for v in villages])]
        if into is not None:
            closing = [v for v in closing if v.pk != into.pk]
        communes = {v.commune_id for v in closing} | ({into.commune_id} if into else set())
        if len(communes) != 1:
            raise DomainError(_("Chỉ sáp nhập các thôn, bản cùng một xã."), field="villages")
        for village in closing:
            _close(village, last_day)
        if into is None:
            commune = closing[0].commune
            result = create_village(
                actor=None, commune=commune, name=name, kind=kind, valid_from=day, decision=decision.strip()
            )
        else:
            result = into
        _link(closing, result, day, decision.strip())
        audit.record(
            actor=actor,
            action="ntm.village.merged",
            obj=result,
            area=result.commune,
            before={"villages": [f"{v.pk}: {v}" for v in closing]},
            after={"into": f"{result.pk}: {result}", "day": str(day), "decision": decision.strip()},
        )
    return result


def split_village(*, actor, village: Village, parts: list[tuple[str, str]], day: datetime.date, decision: str):
    """A village split from `day` into new villages of its commune (`parts`: (name, kind)); it ends the day before."""
    require(actor, "ntm.manage", village.commune, _("Bạn không được chia tách thôn, bản của xã này."))
    if len(parts) < 2:
        raise DomainError(_("Ghi ít nhất hai thôn, bản mới khi chia tách."), field="parts")
    if not (decision or "").strip():
        raise DomainError(_("Ghi căn cứ (số quyết định) chia tách."), field="decision")
    with transaction.atomic():
        village = Village.objects.select_for_update().select_related("commune").get(pk=village.pk)
        _close(village, day - datetime.timedelta(days=1))
        created = [
            create_village(
                actor=None, commune=village.commune, name=n, kind=k, valid_from=day, decision=decision.strip()
            )
            for n, k in parts
        ]
        for successor in created:
            _link([village], successor, day, decision.strip())
        audit.record(
            actor=actor,
            action="ntm.village.split",
            obj=village,
            area=village.commune,
            after={"into": [f"{v.pk}: {v}" for v in created], "day": str(day), "decision": decision.strip()},
        )
    return created


def place_villages_after_merger(*, actor, day: datetime.date = REFORM_DATE, area=None) -> tuple[list, list]:
    """Every open placement in a commune succeeded on `day` (areas.Succession) moves to the successor when it is the
    only one; a commune split between several successors is left, its villages listed as needing a choice.

    Returns (moved villages, [(village, [candidate communes])]). Idempotent: a moved village has no placement left
    in the old commune. `area` (a province or commune) narrows it."""
    if area is not None:
        require(actor, "ntm.manage", area, _("Bạn không được xếp thôn, bản của địa bàn này."))
    elif actor is not None and not area_scope(actor, "ntm.manage").everywhere:
        raise PermissionRefused(_("Chọn tỉnh cần xếp thôn, bản theo xã mới."))
    successors: dict[int, list] = {}
    for link in Succession.objects.filter(effective_date=day, predecessor__level=Level.COMMUNE).select_related(
        "successor"
    ):
        successors.setdefault(link.predecessor_id, []).append(link.successor)
    placements = VillagePlacement.objects.filter(
        valid_to__isnull=True, valid_from__lt=day, commune_id__in=list(successors)
    ).select_related("village", "commune")
    if area is not None:
        from ntm.village_queries import _located

        placements = placements.filter(_located(area, "commune"))
    moved, choices = [], []
    with transaction.atomic():
        entries = []
        for placement in placements:
            village = placement.village
            if village.valid_to is not None and village.valid_to < day:
                continue
            candidates = successors[placement.commune_id]
            if len(candidates) != 1:
                choices.append((village, candidates))
                continue
            new = candidates[0]
            placement.valid_to = day - datetime.timedelta(days=1)
            placement.save(update_fields=["valid_to"])
            VillagePlacement.objects.create(
                village=village, commune=new, valid_from=day, decision=_("Sắp xếp đơn vị hành chính cấp xã")
            )
            village.commune = new
            village.save(update_fields=["commune"])
            moved.append(village)
            entries.append(
                audit.build(
                    actor=actor,
                    action="ntm.village.moved",
                    obj=village,
                    area=new,
                    before={"commune": str(placement.commune.area_id)},
                    after={"commune": str(new.area_id), "valid_from": str(day), "reason": "merger"},
                )
            )
        audit.record_many(entries)
    return moved, choices


def link_village_recognitions(*, actor, area=None) -> tuple[int, int]:
    """Link name-only village recognitions to the registry village of the same name (folded, kind word or not) that
    lay in the recognition's commune on its day. Returns (linked, left: no or several matches)."""
    from ntm.village_imports import split_kind

    if area is not None:
        require(actor, "ntm.manage", area, _("Bạn không được sửa quyết định công nhận của địa bàn này."))
    elif actor is not None and not area_scope(actor, "ntm.manage").everywhere:
        raise PermissionRefused(_("Chọn địa bàn cần liên kết."))
    pending = Recognition.objects.filter(village_ref__isnull=True, level__in=VILLAGE_KEYS).exclude(village="")
    if area is not None:
        from areas.filters import within

        pending = pending.filter(within(area, "commune"))
    pending = list(pending.select_related("commune"))
    communes = {r.commune_id for r in pending}
    index: dict[tuple, list] = {}
    for placement in VillagePlacement.objects.filter(commune_id__in=communes).select_related("village"):
        village = placement.village
        # "Phiêng Đất B" of kind bản answers to "Bản Phiêng Đất B" and to "Phiêng Đất B"
        for key in {village.search_name, fold(f"{village.get_kind_display()} {village.name}")}:
            index.setdefault((placement.commune_id, key), []).append(placement)
    linked, left = 0, 0
    with transaction.atomic():
        entries = []
        for recognition in pending:
            names = {fold(recognition.village), fold(split_kind(recognition.village)[1])}
            day = recognition.effective_date
            found = {
                p.village
                for name in names
                for p in index.get((recognition.commune_id, name), [])
                if p.valid_from <= day and (p.valid_to is None or p.valid_to >= day)
            }
            if len(found) != 1:
                left += 1
                continue
            village = found.pop()
            recognition.village_ref = village
            recognition.save(update_fields=["village_ref"])
            linked += 1
            entries.append(
                audit.build(
                    actor=actor,
                    action="ntm.recognition.village_linked",
                    obj=recognition,
                    area=recognition.commune,
                    after={"village": f"{village.pk}: {village}"},
                )
            )
        audit.record_many(entries)
    return linked, left
