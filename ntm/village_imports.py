"""`import_villages`: one row per village → the village registry (ntm.Village), all or nothing, scope-checked.

A row names the commune by its names (Tỉnh, Huyện, Xã), read on the row's "Từ ngày", or when it has none on
30/06/2025 if a district is written (an old-scheme list), else today. A village already in the registry (same commune,
same name, still open) is left as it is, so importing the same file again changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from areas.queries import CachedResolver
from core.errors import DomainError
from core.import_checks import place_out_of_scope, too_long
from core.imports import (
    Column,
    ImportRun,
    RowError,
    RowWarning,
    YearOnly,
    missing_place,
    parse_date,
    place_names,
    run_import,
)
from core.imports import ImportResult as BaseImportResult
from core.text import fold
from ntm.choices import INHERITANCE_DAY
from ntm.models import VillageKind, VillagePlacement

VILLAGE_COLUMNS = [
    Column("province", "Tỉnh", True, ("address",)),
    Column("district", "Huyện"),
    Column("commune", "Xã", True, ("address",)),
    Column("address", "Địa chỉ"),
    Column("village", "Tên thôn/bản", True),
    Column("village_kind", "Loại"),
    Column("village_code", "Mã"),
    Column("valid_from", "Từ ngày"),
]
# Folded words → kind; longest first so "to dan pho" wins over a shorter word.
KIND_WORDS = {
    "to dan pho": VillageKind.TO_DAN_PHO,
    "tdp": VillageKind.TO_DAN_PHO,
    "thon": VillageKind.THON,
    "ban": VillageKind.BAN,
    "ap": VillageKind.AP,
    "khac": VillageKind.OTHER,
}
_ORDERED = sorted(KIND_WORDS, key=len, reverse=True)


def parse_kind(value: str) -> str | None:
    """'Bản', 'TDP', 'tổ dân phố'… → the kind; '' → None; anything else raises."""
    folded = fold(value)
    if not folded:
        return None
    if folded in KIND_WORDS:
        return str(KIND_WORDS[folded])
    raise DomainError(_("'%(v)s' không phải loại thôn, bản (thôn, bản, tổ dân phố/TDP, ấp).") % {"v": value})


def split_kind(name: str, kind: str | None = None) -> tuple[str | None, str]:
    """'Bản Phiêng Đất B' → ('ban-lang', 'Phiêng Đất B'). The leading kind word is taken off only when no kind is given
    or it is the same kind, so that "Bản Phủ" of a thôn keeps its name."""
    name = " ".join((name or "").split())
    words = name.split(" ")
    for word in _ORDERED:
        size = len(word.split(" "))
        if len(words) > size and fold(" ".join(words[:size])) == word:
            found = str(KIND_WORDS[word])
            if kind is None or kind == found:
                return found, " ".join(words[size:])
            break
    return kind, name


@dataclass
class VillageOutcome:
    row: int
    commune: str
    village: str
    action: str


@dataclass
class VillageImportResult(BaseImportResult):
    @property
    def display(self) -> str:
        return _("Thôn, bản: %(created)s tạo mới, %(unchanged)s đã có.") % {
            "created": self.counts["villages_created"],
            "unchanged": self.counts["villages_unchanged"],
        }


@dataclass
class _Parsed:
    row: int
    commune: object
    name: str
    kind: str
    code: str
    valid_from: datetime.date | None


def _parse(table, actor) -> tuple[list[_Parsed], list[RowError], list[RowWarning]]:
    resolver = CachedResolver()
    parsed, errors, warnings, seen = [], [], [], {}
    for row in table.rows:
        before = len(errors)
        kind = None
        try:
            kind = parse_kind(row.text("village_kind"))
        except DomainError as exc:
            errors.append(RowError(row.number, "village_kind", exc.message))
        kind, name = split_kind(row.text("village"), kind)
        if not name:
            errors.append(RowError(row.number, "village", _("bắt buộc, đang để trống.")))
        too_long(errors, row, "village", name, VILLAGE_COLUMNS[4].label, 150)
        code = row.text("village_code")
        too_long(errors, row, "village_code", code, VILLAGE_COLUMNS[6].label, 30)
        valid_from = None
        if row.text("valid_from"):
            try:
                valid_from = parse_date(row.values.get("valid_from"))
            except YearOnly as exc:
                errors.append(RowError(row.number, "valid_from", exc.message))
            except DomainError as exc:
                errors.append(RowError(row.number, "valid_from", exc.message))
        places = place_names(row)
        warnings.extend(places.warnings)
        commune = None
        if problems := [e for e in (missing_place(row, places, k) for k in ("province", "commune")) if e]:
            errors.extend(problems)
        else:
            day = valid_from or (INHERITANCE_DAY if places.get("district") else datetime.date.today())
            try:
                commune, notes = resolver.resolve(
                    province=places.get("province"),
                    district=places.get("district"),
                    commune=places.get("commune"),
                    on_date=day,
                )
            except DomainError as exc:
                key = exc.field or "commune"
                errors.append(RowError(row.number, places.source.get(key, key), exc.message))
            else:
                warnings.extend(RowWarning(row.number, places.source.get(k, k), m) for k, m in notes)
                if place_out_of_scope(errors, row, places, commune, actor, "ntm.manage"):
                    commune = None
        if commune is not None and name:
            key = (commune.pk, fold(name))
            if key in seen:
                errors.append(
                    RowError(row.number, "village", _("trùng với dòng %(n)s (cùng xã, cùng tên).") % {"n": seen[key]})
                )
            seen.setdefault(key, row.number)
        if len(errors) == before and commune is not None:
            parsed.append(_Parsed(row.number, commune, name, kind or VillageKind.THON, code, valid_from))
    return parsed, errors, warnings


def import_villages(
    source,
    *,
    actor=None,
    dry_run=False,
    filename=None,
    mapping=None,
    skip_invalid=False,
    progress=None,
    errors_to=None,
) -> VillageImportResult:
    """Validate the whole file, then write in one transaction (rolled back for a dry run or any refused row)."""
    from ntm import village_services

    run = ImportRun(skip_invalid=skip_invalid, progress=progress, errors_to=errors_to)
    table = run.read(source, VILLAGE_COLUMNS, filename, kind="villages", mapping=mapping)
    rows, errors, warnings = _parse(table, actor)
    run.check(errors, warnings)

    def write():
        result = VillageImportResult(warnings=list(warnings))
        row_errors = []
        communes = {r.commune.pk for r in rows}
        open_here = VillagePlacement.objects.filter(commune_id__in=communes, valid_to__isnull=True)
        existing = {
            (commune_id, search_name)
            for commune_id, search_name in open_here.filter(village__valid_to__isnull=True).values_list(
                "commune_id", "village__search_name"
            )
        }
        for row in rows:
            if (row.commune.pk, fold(row.name)) in existing:
                result.counts["villages_unchanged"] += 1
                result.outcomes.append(VillageOutcome(row.row, row.commune.name, row.name, "unchanged"))
                continue
            try:
                village_services.create_village(
                    actor=actor,
                    commune=row.commune,
                    name=row.name,
                    kind=row.kind,
                    code=row.code,
                    valid_from=row.valid_from,
                )
            except DomainError as exc:
                row_errors.append(RowError(row.row, exc.field or "village", exc.message))
                continue
            result.counts["villages_created"] += 1
            result.outcomes.append(VillageOutcome(row.row, row.commune.name, row.name, "created"))
        run.check(errors + row_errors, result.warnings)
        result.summary = (
            f"villages: {result.counts['villages_created']} created, {result.counts['villages_unchanged']} unchanged"
        )
        result.errors = row_errors
        return result

    result = run_import(write, dry_run=dry_run)
    return run.finish(result, errors + result.errors, result.warnings)


__all__ = ["VILLAGE_COLUMNS", "import_villages", "parse_kind", "split_kind"]
