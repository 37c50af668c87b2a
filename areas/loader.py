"""Loads both schemes of administrative units and their successions. The only module that imports vietnam_provinces.

Bulk upserts keyed by (scheme, code): a second run with the same package and patch changes nothing.
Units come from the package's Python objects, not its JSON files (the JSON disagrees for three provinces).
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from areas.choices import REFORM_DATE, Level, ReviewStatus, Scheme, UnitType
from areas.identifiers import AreaId
from areas.models import AdministrativeUnit, PendingSuccession, Succession
from areas.names import search_name, short_name
from core import audit
from core.errors import DomainError
from core.text import normalise_apostrophes

PATCH_PATH = Path(__file__).parent / "data" / "succession_patch.yaml"
PATCH_SOURCE = "areas/data/succession_patch.yaml"

_TYPE_BY_PACKAGE_VALUE = {
    "tỉnh": UnitType.TINH,
    "thành phố trung ương": UnitType.THANH_PHO_TW,
    "huyện": UnitType.HUYEN,
    "quận": UnitType.QUAN,
    "thị xã": UnitType.THI_XA,
    "thành phố": UnitType.THANH_PHO,
    "xã": UnitType.XA,
    "phường": UnitType.PHUONG,
    "thị trấn": UnitType.THI_TRAN,
    "đặc khu": UnitType.DAC_KHU,
}
UNIT_FIELDS = ["level", "unit_type", "name", "short_name", "search_name", "valid_from", "valid_until", "source"]
LINK_FIELDS = ["parent_id", "province_id", "district_id"]


class PatchError(DomainError):
    pass


@dataclass
class LoadReport:
    units: Counter = field(default_factory=Counter)
    successions: Counter = field(default_factory=Counter)
    by_scheme_level: Counter = field(default_factory=Counter)
    pending: int = 0
    skipped_mappings: list[str] = field(default_factory=list)
    without_successor: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counts = ", ".join(f"{s}/{lv}={n}" for (s, lv), n in sorted(self.by_scheme_level.items()))
        return [
            f"units: {counts}",
            "units created={created} updated={updated} unchanged={unchanged}".format(**self._z(self.units)),
            "successions created={created} updated={updated} unchanged={unchanged} removed={removed}".format(
                **self._z(self.successions)
            ),
            f"mapping rows skipped (unit unknown to the package's lists): {len(self.skipped_mappings)}"
            + (f" ({', '.join(self.skipped_mappings)})" if self.skipped_mappings else ""),
            f"old communes still without successor: {len(self.without_successor)}"
            + (f" ({', '.join(self.without_successor)})" if self.without_successor else ""),
        ]

    @staticmethod
    def _z(counter):
        return {k: counter.get(k, 0) for k in ("created", "updated", "unchanged", "removed")}


def package_version() -> str:
    import vietnam_provinces

    return f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"


def _unit_row(scheme, level, obj, parent_key, source):
    unit_type = _TYPE_BY_PACKAGE_VALUE[str(obj.division_type.value)]
    name = normalise_apostrophes(obj.name)
    short = short_name(name, unit_type)
    return {
        "key": (scheme, AreaId.of(scheme, level, int(obj.code)).code),
        "parent_key": parent_key,
        "level": level,
        "unit_type": unit_type,
        "name": name,
        "short_name": short,
        "search_name": search_name(name, unit_type),
        "valid_from": None if scheme == Scheme.PRE2025 else REFORM_DATE,
        "valid_until": REFORM_DATE if scheme == Scheme.PRE2025 else None,
        "source": source,
    }


def package_units() -> list[dict]:
    """Every unit of both schemes as plain rows, parents before children."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces.legacy import Province as OldProvince
    from vietnam_provinces.legacy.base import District as OldDistrict
    from vietnam_provinces.legacy.base import Ward as OldWard

    source = package_version()
    old, new = Scheme.PRE2025, Scheme.S2025
    rows = []
    rows += [_unit_row(old, Level.PROVINCE, p, None, source) for p in OldProvince.iter_all()]
    rows += [
        _unit_row(old, Level.DISTRICT, d, (old, AreaId.of(old, Level.PROVINCE, int(d.province_code)).code), source)
        for d in OldDistrict.iter_all()
    ]
    rows += [
        _unit_row(old, Level.COMMUNE, w, (old, AreaId.of(old, Level.DISTRICT, int(w.district_code)).code), source)
        for w in OldWard.iter_all()
    ]
    rows += [_unit_row(new, Level.PROVINCE, p, None, source) for p in Province.iter_all()]
    rows += [
        _unit_row(new, Level.COMMUNE, w, (new, AreaId.of(new, Level.PROVINCE, int(w.province_code)).code), source)
        for w in Ward.iter_all()
    ]
    return rows


def package_successions() -> list[dict]:
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCES
    from vietnam_provinces._ward_conversion_2025 import EFFECTIVE_DATE
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARDS

    source = package_version()
    assert REFORM_DATE.isoformat() == EFFECTIVE_DATE, "package reform date changed: review the loader"
    rows = []
    for old_code, entry in PROVINCES.items():
        for new in entry.new_provinces:
            rows.append(
                {
                    "old": AreaId.of(Scheme.PRE2025, Level.PROVINCE, old_code),
                    "new": AreaId.of(Scheme.S2025, Level.PROVINCE, new.code),
                    "partly_merged": len(entry.new_provinces) > 1,
                }
            )
    for old_code, entry in WARDS.items():
        for new in entry.new_wards:
            rows.append(
                {
                    "old": AreaId.of(Scheme.PRE2025, Level.COMMUNE, old_code),
                    "new": AreaId.of(Scheme.S2025, Level.COMMUNE, new.code),
                    "partly_merged": entry.old_ward.is_partly_merged,
                }
            )
    for row in rows:
        row.update(review_status=ReviewStatus.SOURCE, legal_basis="", source=source, effective_date=REFORM_DATE)
    return rows


def read_patch(path: Path = PATCH_PATH) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("entries") or []
    problems = []
    for n, entry in enumerate(entries, start=1):
        where = f"{path.name} entry {n} ({entry.get('old', '?')})"
        status = entry.get("status")
        if status not in (ReviewStatus.REVIEWED, ReviewStatus.AWAITING):
            problems.append(f"{where}: status must be 'reviewed' or 'awaiting-review'")
        if status == ReviewStatus.REVIEWED and not (entry.get("successors") and entry.get("legal_basis")):
            problems.append(f"{where}: a reviewed entry needs successors and legal_basis")
        try:
            AreaId.parse(str(entry.get("old", "")))
            for s in entry.get("successors") or []:
                AreaId.parse(str(s))
        except DomainError as exc:
            problems.append(f"{where}: {exc.message}")
    if problems:
        raise PatchError("\n".join(problems))
    return entries


def _upsert_units(rows, report, actor):
    existing = {
        (u["scheme"], u["code"]): u
        for u in AdministrativeUnit.objects.values("id", "scheme", "code", *UNIT_FIELDS, *LINK_FIELDS)
    }
    ids = {key: u["id"] for key, u in existing.items()}
    entries = []
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update = [], []
        for row in (r for r in rows if r["level"] == level):
            scheme, code = row["key"]
            report.by_scheme_level[(scheme, level)] += 1
            parent_id = ids[row["parent_key"]] if row["parent_key"] else None
            links = {"parent_id": parent_id, "province_id": None, "district_id": None}
            if level == Level.DISTRICT:
                links["province_id"] = parent_id
            elif level == Level.COMMUNE:
                parent = existing.get(row["parent_key"]) or {}
                if scheme == Scheme.PRE2025:
                    links["district_id"] = parent_id
                    links["province_id"] = parent.get("parent_id")
                else:
                    links["province_id"] = parent_id
            wanted = {f: row[f] for f in UNIT_FIELDS} | links
            current = existing.get(row["key"])
            if current is None:
                to_create.append(AdministrativeUnit(scheme=scheme, code=code, **wanted))
            elif any(current[f] != v for f, v in wanted.items() if f != "province_id" or level != Level.PROVINCE):
                unit = AdministrativeUnit(id=current["id"], scheme=scheme, code=code, **wanted)
                if level == Level.PROVINCE:
                    unit.province_id = current["id"]
                to_update.append((unit, {f: current[f] for f in wanted}))
            else:
                report.units["unchanged"] += 1
        created = AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        for unit in created:
            ids[(unit.scheme, unit.code)] = unit.id
            existing[(unit.scheme, unit.code)] = {"id": unit.id, "parent_id": unit.parent_id}
            entries.append(
                audit.build(
                    actor=actor,
                    action="areas.unit.created",
                    obj=unit,
                    area=unit,
                    after={"name": unit.name, "source": unit.source},
                )
            )
        if level == Level.PROVINCE:
            for unit in created:
                unit.province_id = unit.id
            AdministrativeUnit.objects.bulk_update(created, ["province_id"], batch_size=1000)
        if to_update:
            AdministrativeUnit.objects.bulk_update(
                [u for u, _ in to_update], UNIT_FIELDS + LINK_FIELDS, batch_size=1000
            )
            for unit, before in to_update:
                entries.append(
                    audit.build(
                        actor=actor,
                        action="areas.unit.updated",
                        obj=unit,
                        area=unit,
                        before=before,
                        after={f: getattr(unit, f) for f in before},
                    )
                )
        report.units["created"] += len(created)
        report.units["updated"] += len(to_update)
    audit.record_many(entries)
    return ids


def _upsert_successions(rows, ids, report, actor):
    fields = ["partly_merged", "effective_date", "review_status", "legal_basis", "source"]
    existing = {
        (s["predecessor_id"], s["successor_id"]): s
        for s in Succession.objects.values("id", "predecessor_id", "successor_id", *fields)
    }
    seen, to_create, to_update, entries = set(), [], [], []
    for row in rows:
        old_key, new_key = (row["old"].scheme, row["old"].code), (row["new"].scheme, row["new"].code)
        if old_key not in ids or new_key not in ids:
            # The package's mapping names a few units formed in early 2025 that its unit lists lack.
            report.skipped_mappings.append(f"{row['old']} → {row['new']}")
            continue
        key = (ids[old_key], ids[new_key])
        seen.add(key)
        wanted = {f: row[f] for f in fields}
        current = existing.get(key)
        if current is None:
            to_create.append(Succession(predecessor_id=key[0], successor_id=key[1], **wanted))
        elif any(current[f] != v for f, v in wanted.items()):
            to_update.append(Succession(id=current["id"], predecessor_id=key[0], successor_id=key[1], **wanted))
        else:
            report.successions["unchanged"] += 1
        if row["source"] == PATCH_SOURCE and (current is None or current["legal_basis"] != row["legal_basis"]):
            entries.append(
                audit.build(
                    actor=actor,
                    action="areas.succession.patched",
                    object_type_label="areas.administrativeunit",
                    object_id=key[0],
                    area=None,
                    label=f"{row['old']} → {row['new']}",
                    after={
                        "successor": str(row["new"]),
                        "legal_basis": row["legal_basis"],
                        "partly_merged": row["partly_merged"],
                    },
                )
            )
    Succession.objects.bulk_create(to_create, batch_size=2000)
    Succession.objects.bulk_update(to_update, fields, batch_size=2000)
    stale = [s["id"] for key, s in existing.items() if key not in seen]
    if stale:
        Succession.objects.filter(id__in=stale).delete()
    report.successions.update(created=len(to_create), updated=len(to_update), removed=len(stale))
    audit.record_many(entries)


def _apply_pending(patch, ids):
    wanted = {}
    for entry in patch:
        if entry["status"] == ReviewStatus.AWAITING:
            area = AreaId.parse(str(entry["old"]))
            wanted[ids[(area.scheme, area.code)]] = str(entry.get("note") or "").strip()
    current = dict(PendingSuccession.objects.values_list("unit_id", "note"))
    PendingSuccession.objects.filter(unit_id__in=[u for u in current if u not in wanted]).delete()
    PendingSuccession.objects.bulk_create(
        [PendingSuccession(unit_id=u, note=n, source=PATCH_SOURCE) for u, n in wanted.items() if u not in current]
    )
    for unit_id, note in wanted.items():
        if unit_id in current and current[unit_id] != note:
            PendingSuccession.objects.filter(unit_id=unit_id).update(note=note)


def _patch_successions(patch, ids) -> list[dict]:
    rows, problems = [], []
    names = dict(AdministrativeUnit.objects.filter(id__in=ids.values()).values_list("id", "name"))
    for entry in patch:
        old = AreaId.parse(str(entry["old"]))
        key = (old.scheme, old.code)
        if key not in ids:
            problems.append(f"{entry['old']}: no such unit")
            continue
        if entry.get("name") and names[ids[key]] != normalise_apostrophes(entry["name"]):
            problems.append(f"{entry['old']}: is {names[ids[key]]}, not {entry['name']}")
        if entry["status"] != ReviewStatus.REVIEWED:
            continue
        for successor in entry["successors"]:
            new = AreaId.parse(str(successor))
            if (new.scheme, new.code) not in ids:
                problems.append(f"{entry['old']}: successor {successor}: no such unit")
                continue
            rows.append(
                {
                    "old": old,
                    "new": new,
                    "partly_merged": bool(entry.get("partly_merged")),
                    "effective_date": REFORM_DATE,
                    "review_status": ReviewStatus.REVIEWED,
                    "legal_basis": str(entry["legal_basis"])[:255],
                    "source": PATCH_SOURCE,
                }
            )
    if problems:
        raise PatchError("; ".join(problems))
    return rows


def load_units(*, actor=None, patch_path: Path = PATCH_PATH) -> LoadReport:
    """Load (or refresh) every unit and succession in one transaction; nothing is half-loaded."""
    report = LoadReport()
    patch = read_patch(patch_path)
    with transaction.atomic():
        ids = _upsert_units(package_units(), report, actor)
        _upsert_successions(package_successions() + _patch_successions(patch, ids), ids, report, actor)
        _apply_pending(patch, ids)
        report.pending = PendingSuccession.objects.count()
        report.without_successor = list(
            AdministrativeUnit.objects.filter(scheme=Scheme.PRE2025, level=Level.COMMUNE, successions__isnull=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
        report.without_successor = [f"{Scheme.PRE2025}:{c}" for c in report.without_successor]
        if (
            report.units["created"]
            or report.units["updated"]
            or any(report.successions[k] for k in ("created", "updated", "removed"))
        ):
            audit.record(
                actor=actor,
                action="areas.reference.loaded",
                object_type_label="areas.reference",
                label=package_version(),
                after={"units": dict(report.units), "successions": dict(report.successions)},
            )
    return report


def reference_lines(*, actor=None) -> list[str]:
    """`load_reference_data` step (settings.REFERENCE_DATA_STEPS)."""
    return load_units(actor=actor).lines()
