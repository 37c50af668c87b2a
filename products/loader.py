"""Loads OCOP product categories from products/data/categories.yaml (idempotent upsert keyed by system and code)."""

from pathlib import Path

import yaml
from django.db import transaction

from core.text import fold
from products.choices import CategoryLevel, CategorySystem
from products.models import ProductCategory

CATEGORIES_PATH = Path(__file__).parent / "data" / "categories.yaml"
DEMO_REGISTER_PATH = Path(__file__).parent / "data" / "demo_register.csv"
FIELDS = ["level", "name", "search_name", "aliases", "parent_id", "maps_to_id", "lead_ministry", "position"]


def _rows(data):
    rows = []
    for n, group in enumerate(data[CategorySystem.S148], start=1):
        rows.append(
            {
                "system": "148",
                "code": group["code"],
                "level": CategoryLevel.GROUP,
                "name": group["name"],
                "aliases": "",
                "parent": None,
                "maps_to": None,
                "lead_ministry": "",
                "position": n,
            }
        )
    for system in (CategorySystem.S1048, CategorySystem.S2026):
        number = 0
        for n, nganh in enumerate(data[system], start=1):
            rows.append(
                {
                    "system": system,
                    "code": nganh["code"],
                    "level": CategoryLevel.GROUP,
                    "name": nganh["name"],
                    "aliases": "\n".join(nganh.get("aliases", [])),
                    "parent": None,
                    "maps_to": ("148", nganh["maps_to"]),
                    "lead_ministry": "",
                    "position": n,
                }
            )
            for sub in nganh["subgroups"]:
                if isinstance(sub, dict):
                    number, name = sub["number"], sub["name"]
                else:
                    number, name = number + 1, sub
                rows.append(
                    {
                        "system": system,
                        "code": f"{number:02d}",
                        "level": CategoryLevel.SUBGROUP,
                        "name": name,
                        "aliases": "\n".join(sub.get("aliases", [])) if isinstance(sub, dict) else "",
                        "parent": (system, nganh["code"]),
                        "maps_to": ("148", nganh["maps_to"]),
                        "lead_ministry": sub.get("ministry", "") if isinstance(sub, dict) else "",
                        "position": 100 + number,
                    }
                )
    return rows


def load_categories(path: Path = CATEGORIES_PATH) -> dict:
    rows = _rows(yaml.safe_load(path.read_text(encoding="utf-8")))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {(c.system, c.code): c for c in ProductCategory.objects.all()}
        for row in rows:  # groups come before the rows that point at them
            key = (row["system"], row["code"])
            values = {
                "level": row["level"],
                "name": row["name"],
                "search_name": fold(row["name"]),
                "aliases": row["aliases"],
                "parent_id": existing[row["parent"]].id if row["parent"] else None,
                "maps_to_id": existing[row["maps_to"]].id if row["maps_to"] else None,
                "lead_ministry": row["lead_ministry"],
                "position": row["position"],
            }
            current = existing.get(key)
            if current is None:
                existing[key] = ProductCategory.objects.create(system=key[0], code=key[1], **values)
                counts["created"] += 1
            elif any(getattr(current, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(current, f, v)
                current.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def reference_lines(*, actor=None) -> list[str]:
    """`load_reference_data` step: the categories, before the criteria sets whose sheets apply to them."""
    counts = load_categories()
    return ["product categories created={created} updated={updated} unchanged={unchanged}".format(**counts)]


def placement_lines(*, actor=None) -> list[str]:
    """`load_reference_data` step, last: successions may have changed, so products are placed again."""
    from products.placement import place_all_products

    return [f"product places recomputed={place_all_products()}"]
