"""Where a product lies in each boundary scheme, so reports filter and group it in SQL in either scheme.

A product is recorded at one commune (`location`, of the scheme in force when it was registered) and, when that
old commune was split, at the new commune an officer chose (`current_location`). From these and the successions
we store its commune, district and province in the old scheme and its commune and province in the new one.
A level is left empty only when the records cannot decide it (an old commune split without a chosen successor;
a new commune formed from communes of several old districts): reports then count the product at the levels
that are known and list it as not placed below them.
"""

from collections import defaultdict

from areas.choices import Scheme
from areas.models import AdministrativeUnit, Succession
from areas.queries import main_successors
from core.imports import chunks

PLACE_FIELDS = ("old_commune", "old_district", "old_province", "new_commune", "new_province")


def _only(values):
    """The one value all candidates agree on, or None."""
    found = {v for v in values if v is not None}
    return found.pop() if len(found) == 1 else None


class _Successions:
    """Successor and predecessor ids of the given units (communes and their provinces), read in two queries."""

    def __init__(self, unit_ids, succession_model):
        self.successors = defaultdict(list)
        self.predecessors = defaultdict(list)
        for pred, succ in succession_model.objects.filter(predecessor_id__in=unit_ids).values_list(
            "predecessor_id", "successor_id"
        ):
            self.successors[pred].append(succ)
        for pred, succ in succession_model.objects.filter(successor_id__in=unit_ids).values_list(
            "predecessor_id", "successor_id"
        ):
            self.predecessors[succ].append(pred)


def compute_places(products, unit_model=AdministrativeUnit, succession_model=Succession):
    """{product id: {field_id: unit id or None}} for PLACE_FIELDS, in a constant number of queries.

    The models may be a migration's historical ones."""
    products = list(products)
    unit_ids = {p.location_id for p in products} | {p.current_location_id for p in products if p.current_location_id}
    units = {u.pk: u for u in unit_model.objects.filter(pk__in=unit_ids)}
    provinces = {u.province_id for u in units.values() if u.province_id}
    links = _Successions(unit_ids | provinces, succession_model)
    related = set()
    for uid in unit_ids | provinces:
        related.update(links.successors.get(uid, ()))
        related.update(links.predecessors.get(uid, ()))
    units.update({u.pk: u for u in unit_model.objects.filter(pk__in=related - set(units))})

    places = {}
    for product in products:
        commune = units[product.location_id]
        place = dict.fromkeys(PLACE_FIELDS)
        if commune.scheme == Scheme.PRE2025:
            place.update(old_commune=commune.pk, old_district=commune.district_id, old_province=commune.province_id)
            successors = links.successors.get(commune.pk, [])
            chosen = product.current_location_id
            if chosen and units.get(chosen) and units[chosen].scheme == Scheme.S2025:
                new = chosen
            else:
                new = successors[0] if len(successors) == 1 else None
            place["new_commune"] = new
            if new is not None:
                place["new_province"] = units[new].province_id
            else:
                place["new_province"] = _only(units[s].province_id for s in successors) or _only(
                    links.successors.get(commune.province_id, [])
                )
        else:
            place.update(new_commune=commune.pk, new_province=commune.province_id)
            olds = [units[p] for p in links.predecessors.get(commune.pk, []) if p in units]
            if len(olds) == 1:
                place.update(old_commune=olds[0].pk, old_district=olds[0].district_id, old_province=olds[0].province_id)
            else:
                place["old_district"] = _only(u.district_id for u in olds)
                old_provinces = [u.province_id for u in olds] or links.predecessors.get(commune.province_id, [])
                place["old_province"] = _only(old_provinces)
        places[product.pk] = {f"{name}_id": value for name, value in place.items()}
    return places


def apply_places(product) -> None:
    """Set the place fields of one product in memory (called on save)."""
    for field, value in compute_places([product])[product.pk].items():
        setattr(product, field, value)


def place_all_products(batch_size: int = 2000, product_model=None, **models) -> int:
    """Recompute every product's places (after the units or successions change); returns how many changed."""
    if product_model is None:
        from products.models import Product as product_model
    changed = []
    for start in range(0, product_model.objects.count(), batch_size):
        fields = ("pk", "location", "current_location", *PLACE_FIELDS)
        chunk = list(product_model.objects.order_by("pk").only(*fields)[start : start + batch_size])
        computed = compute_places(chunk, **models)
        for product in chunk:
            new = computed[product.pk]
            if any(getattr(product, f) != v for f, v in new.items()):
                for f, v in new.items():
                    setattr(product, f, v)
                changed.append(product)
    if changed:
        product_model.objects.bulk_update(changed, list(PLACE_FIELDS), batch_size=500)
    return len(changed)


def new_provinces_of(units, unit_model=AdministrativeUnit, succession_model=Succession) -> dict:
    """{unit pk: the 2025-scheme province where the unit lies now}, for units of either scheme, in a few queries
    whatever their number. This is the province of a producer's identity (one producer per name and province) and
    the one compute_places gives a product, so both follow the same path:

    - a unit of the new scheme: its province;
    - an old commune: the one province its successor communes lie in (where compute_places puts its products);
    - otherwise (an old district or province, an old commune without successors or split over provinces): the old
      province's main successor, the one that received most of its communes. A province has one successor but
      where the reference data says otherwise: Tỉnh Tiền Giang has two (Tây Ninh and Đồng Tháp) and its communes
      all went to Đồng Tháp, which taking "the first successor" got wrong, splitting its producers in two.

    Raises DomainError for an old province without successor (as areas.queries.current_province)."""
    from areas.choices import Level
    from core.errors import DomainError

    units = {u.pk: u for u in units}
    found = {}  # unit pk → province id
    old_communes = [u.pk for u in units.values() if u.scheme == Scheme.PRE2025 and u.level == Level.COMMUNE]
    successor_provinces = defaultdict(set)
    for chunk in chunks(old_communes):
        rows = succession_model.objects.filter(predecessor_id__in=chunk).values_list(
            "predecessor_id", "successor__province_id"
        )
        for pred, province_id in rows:
            successor_provinces[pred].add(province_id)
    fallback = {}  # unit pk → its old province id
    for pk, unit in units.items():
        if unit.scheme == Scheme.S2025:
            found[pk] = pk if unit.level == Level.PROVINCE else unit.province_id
        elif len(successor_provinces.get(pk, ())) == 1:
            found[pk] = next(iter(successor_provinces[pk]))
        else:
            fallback[pk] = pk if unit.level == Level.PROVINCE else unit.province_id
    if fallback:
        main = main_successors(set(fallback.values()), succession_model)
        for pk, old_province in fallback.items():
            if old_province not in main:
                name = unit_model.objects.filter(pk=old_province).values_list("name", flat=True).first()
                raise DomainError(f"{name} chưa có tỉnh kế thừa trong danh mục.")
            found[pk] = main[old_province]
    provinces = {u.pk: u for u in unit_model.objects.filter(pk__in=set(found.values()))}
    return {pk: provinces[province_id] for pk, province_id in found.items()}


def new_province_of(unit):
    """The 2025-scheme province where `unit` (either scheme) lies now: see new_provinces_of."""
    return new_provinces_of([unit])[unit.pk]
