"""Two row checks every spreadsheet importer makes (issue 14, item 1), kept apart from core.imports' reading:

- `out_of_scope`: the row's area, resolved from the names it gives, against the acting person's scope, before the
  importer looks anything up there. The error is the same whether or not a product, producer or commune record
  exists, so a dry run reveals nothing about another province.
- `too_long`: a cell longer than the model column it is stored in is the row's error, naming the column and the
  limit (not a database error on PostgreSQL, nor a silent truncation on SQLite).
"""

from django.utils.translation import gettext as _

from core.imports import RowError
from core.scoping import area_scope


def out_of_scope(errors: list, row, column: str, unit, actor, action: str) -> bool:
    """Append the row's error and return True when `unit` lies outside `actor`'s scope for `action`. `actor=None`
    is the system (a command run without --as) and reaches everywhere."""
    if actor is None or area_scope(actor, action).contains(unit):
        return False
    errors.append(
        RowError(
            row.number,
            column,
            _("%(area)s nằm ngoài địa bàn bạn được giao: không nhập được dòng này.") % {"area": unit.name},
        )
    )
    return True


def place_out_of_scope(errors: list, row, places, commune, actor, action: str) -> bool:
    """`out_of_scope` for a row placed in a commune: a commune of another province is reported on the province
    column, naming the province (CONTRACT §5: `row N: province: …`); a commune outside a narrower scope within the
    actor's province, on the commune column."""
    if actor is None or area_scope(actor, action).contains(commune):
        return False  # the common case: no query (the province is fetched only for a refused row's message)
    province = commune.province if commune.province_id else None
    if province is not None and not area_scope(actor, action).contains(province):
        return out_of_scope(errors, row, places.source.get("province", "province"), province, actor, action)
    return out_of_scope(errors, row, places.source.get("commune", "commune"), commune, actor, action)


def too_long(errors: list, row, key: str, text: str, label: str, limit: int) -> bool:
    """Append the row's error and return True when `text` is longer than `limit` characters."""
    if len(text) <= limit:
        return False
    errors.append(
        RowError(
            row.number,
            key,
            _("“%(column)s” dài %(n)s ký tự, quá giới hạn %(limit)s ký tự.")
            % {"column": label, "n": len(text), "limit": limit},
        )
    )
    return True


def max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length
