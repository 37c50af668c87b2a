"""Writes to products: creation, edits, the officer's choice of current commune, photos."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import require
from areas.choices import Level, Scheme
from core import audit
from core.concurrency import check_version, refuse_duplicate
from core.errors import BulkRefused, DomainError
from core.imports import bulk_insert, bulk_set, chunks
from core.text import fold
from products.models import Product
from products.placement import PLACE_FIELDS

FIELDS = ["name", "producer", "group", "subgroup", "location", "current_location", "description", "story", "status"]


def _check_scope(actor, unit):
    require(actor, "products.change", unit, _("Địa bàn này nằm ngoài phạm vi bạn được giao."))


def _validate(product, check_duplicate=True, known=None):
    """`known` (bulk_update_products): what the checks would read, read beforehand for many products at once —
    `group_of` (sub-group id → its group id) and `succeeds` ((old commune id, new commune id) pairs on record)."""
    if product.location.level != Level.COMMUNE:
        raise DomainError(_("Địa bàn của sản phẩm phải là một xã, phường."), field="location")
    if (
        product.subgroup_id
        and (known["group_of"].get(product.subgroup_id) if known else product.subgroup.maps_to_id) != product.group_id
    ):
        raise DomainError(_("Bộ sản phẩm không thuộc nhóm sản phẩm đã chọn."), field="subgroup")
    if product.current_location_id:
        loc = product.current_location
        if loc.scheme != Scheme.S2025 or loc.level != Level.COMMUNE:
            raise DomainError(_("Xã hiện nay phải là một xã, phường theo địa giới mới."), field="current_location")
        if product.location.scheme == Scheme.PRE2025 and not (
            (product.location_id, loc.pk) in known["succeeds"]
            if known
            else product.location.successions.filter(successor=loc).exists()
        ):
            raise DomainError(
                _("%(new)s không kế thừa %(old)s.") % {"new": loc.name, "old": product.location.name},
                field="current_location",
            )
    try:
        # Foreign keys arrive as objects the caller already holds; checking them again would cost a query each. The
        # places (products.placement) are computed from the communes on save, never given: a query each, for nothing.
        product.full_clean(
            exclude=["producer", "group", "subgroup", "location", "current_location", *PLACE_FIELDS],
            validate_unique=False,
            validate_constraints=check_duplicate,  # its one constraint is the namesake check, made by the caller
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), field=field) from exc
    if check_duplicate and (
        Product.objects.filter(producer=product.producer, search_name=product.search_name)
        .exclude(pk=product.pk)
        .exists()
    ):
        raise DomainError(_("Chủ thể này đã có sản phẩm tên '%(n)s'.") % {"n": product.name}, field="name")


def create_product(*, actor, **values) -> Product:
    with transaction.atomic():
        product = Product(**values)
        product.name = " ".join(product.name.split())
        product.search_name = fold(product.name)
        _check_scope(actor, product.location)
        _validate(product)
        with refuse_duplicate(_("Chủ thể này đã có sản phẩm tên '%(n)s'.") % {"n": product.name}, field="name"):
            product.save()
        audit.record(
            actor=actor,
            action="products.product.created",
            obj=product,
            area=product.location,
            after=audit.snapshot(product, FIELDS),
        )
    return product


def prepare_product(*, actor, **values) -> Product:
    """A new product checked as create_product checks it, not yet saved (for bulk_create_products); its producer
    may be unsaved too. The caller has read the producer's products and vouches there is no namesake."""
    product = Product(**values)
    product.name = " ".join(product.name.split())
    product.search_name = fold(product.name)
    _check_scope(actor, product.location)
    _validate(product, check_duplicate=False)
    return product


def bulk_create_products(*, actor, products: list[Product]) -> None:
    """Save prepared products (imports) with their places and the same audit entries as create_product, in bulk."""
    from products.placement import compute_places

    if not products:
        return
    for first in {p.location_id: p for p in products}.values():  # once per commune, not per row
        _check_scope(actor, first.location)
    # Places depend on the communes only: computed once per distinct (commune, current commune), in a few queries.
    pairs = {(p.location_id, p.current_location_id) for p in products}
    stand_ins = [SimpleNamespace(pk=pair, location_id=pair[0], current_location_id=pair[1]) for pair in pairs]
    places = compute_places(stand_ins)
    with transaction.atomic():
        for product in products:
            for field, value in places[(product.location_id, product.current_location_id)].items():
                setattr(product, field, value)
        bulk_insert(Product, products)
        audit.record_created(
            actor=actor,
            action="products.product.created",
            items=((p, p.location, audit.snapshot(p, FIELDS)) for p in products),
        )


def update_product(*, actor, product: Product, expected_version=None, **values) -> tuple[Product, bool]:
    """Returns the product and whether anything changed. `expected_version`: the version the edit form was read at;
    a save from an older one is refused (StaleEdit, 409) rather than overwrite someone else's change."""
    with transaction.atomic():
        product = Product.objects.select_for_update().select_related("location").get(pk=product.pk)
        _check_scope(actor, product.location)
        check_version(product, expected_version)
        before = audit.snapshot(product, FIELDS)
        for key, value in values.items():
            setattr(product, key, value)
        _check_scope(actor, product.location)  # a product moved to another commune stays in the actor's areas
        product.name = " ".join(product.name.split())
        product.search_name = fold(product.name)
        _validate(product)
        after = audit.snapshot(product, FIELDS)
        if after == before:
            return product, False
        product.version += 1
        with refuse_duplicate(_("Chủ thể này đã có sản phẩm tên '%(n)s'.") % {"n": product.name}, field="name"):
            product.save()  # a namesake saved by someone else since _validate looked
        audit.record(
            actor=actor,
            action="products.product.updated",
            obj=product,
            area=product.location,
            before=before,
            after=after,
        )
    return product, True


def bulk_update_products(*, actor, updates: list[tuple[Product, dict]]) -> list[bool]:
    """update_product for many products at once (imports): the same checks, versions, places and audit entries
    (one products.product.updated per product that changed, with its before and after), in a number of queries
    that does not grow with the products (a few per 900). `updates` are (product on record, values); returns
    whether each changed. A refusal raises BulkRefused naming the item; nothing is written then."""
    from areas.models import Succession
    from products.models import ProductCategory
    from products.placement import PLACE_FIELDS, compute_places

    if not updates:
        return []
    changed = [False] * len(updates)
    with transaction.atomic():
        fresh = {}  # as update_product, the rows are read again under a lock
        for chunk in chunks({p.pk for p, _values in updates}):
            query = Product.objects.select_for_update(of=("self",)).filter(pk__in=chunk)
            fresh.update((p.pk, p) for p in query.select_related("location", "current_location"))
        group_of = dict(ProductCategory.objects.values_list("pk", "maps_to_id"))
        items = []
        for index, (given, values) in enumerate(updates):
            product = fresh[given.pk]
            items.append((index, product, audit.snapshot(product, FIELDS), product.location))
            for key, value in values.items():
                setattr(product, key, value)
            product.name = " ".join(product.name.split())
            product.search_name = fold(product.name)
        pairs = {(p.location_id, p.current_location_id) for _i, p, _b, _v in items if p.current_location_id}
        succeeds = set()
        for chunk in chunks(pairs):
            olds, news = {a for a, _b in chunk}, {b for _a, b in chunk}
            rows = Succession.objects.filter(predecessor_id__in=olds, successor_id__in=news)
            succeeds.update(rows.values_list("predecessor_id", "successor_id"))
        known = {"group_of": group_of, "succeeds": succeeds}
        checked, saved = set(), []
        for index, product, before, lay in items:
            try:
                for place in (lay, product.location):  # where it lay and where it lies (update_product's checks)
                    if place.pk not in checked:
                        _check_scope(actor, place)
                        checked.add(place.pk)
                _validate(product, check_duplicate=False, known=known)
            except DomainError as exc:
                raise BulkRefused(exc, index) from exc
            after = audit.snapshot(product, FIELDS)
            if after != before:
                product.version += 1
                saved.append((index, product, before, after))
                changed[index] = True
        renamed = {(p.producer_id, p.search_name): i for i, p, b, _a in saved if fold(b["name"]) != p.search_name}
        for chunk in chunks(renamed):  # create_product's namesake check, for the renamed ones only
            producers, names = {a for a, _b in chunk}, {b for _a, b in chunk}
            taken = Product.objects.filter(producer_id__in=producers, search_name__in=names)
            for key in taken.values_list("producer_id", "search_name"):
                if key in renamed:
                    name = next(p.name for i, p, _b, _a in saved if i == renamed[key])
                    refusal = DomainError(_("Chủ thể này đã có sản phẩm tên '%(n)s'.") % {"n": name}, field="name")
                    raise BulkRefused(refusal, renamed[key])
        if not saved:
            return changed
        places = compute_places(
            [SimpleNamespace(pk=key, location_id=key[0], current_location_id=key[1]) for key in _place_keys(saved)]
        )
        for _index, product, _before, _after in saved:
            for field, value in places[(product.location_id, product.current_location_id)].items():
                setattr(product, field, value)
        fields = [*FIELDS, "search_name", "version", *PLACE_FIELDS]
        with refuse_duplicate(_("Chủ thể này đã có sản phẩm tên '%(n)s'.") % {"n": saved[0][1].name}, field="name"):
            bulk_set(Product, [p for _i, p, _b, _a in saved], fields)
        audit.record_many(
            audit.build(
                actor=actor,
                action="products.product.updated",
                obj=product,
                area=product.location,
                before=before,
                after=after,
            )
            for _index, product, before, after in saved
        )
    return changed


def _place_keys(saved):
    return {(p.location_id, p.current_location_id) for _i, p, _b, _a in saved}


def classify(*, actor, product: Product, subgroup) -> Product:
    """Sets the product's sub-group as the producer registered it (Mẫu 01 of a dossier), audited like any edit. The
    caller has checked that the actor may file for the product (products.workflow), which a producer may without
    `products.change`."""
    if product.subgroup_id == subgroup.pk:
        return product
    before = audit.snapshot(product, FIELDS)
    if subgroup.maps_to_id != product.group_id:
        raise DomainError(_("Bộ sản phẩm không thuộc nhóm sản phẩm đã chọn."), field="subgroup")
    product.subgroup = subgroup
    product.version += 1  # an edit form opened before this must not put the old sub-group back
    product.save(update_fields=["subgroup", "version"])
    audit.record(
        actor=actor,
        action="products.product.updated",
        obj=product,
        area=product.location,
        before=before,
        after=audit.snapshot(product, FIELDS),
    )
    return product


def find_product(*, producer, name: str) -> Product | None:
    return Product.objects.filter(producer=producer, search_name=fold(name)).first()


PHOTO_KINDS = ("jpeg", "png")


def add_photo(*, actor, product, uploaded, caption: str = ""):
    """A product photo: JPEG/PNG by content, small enough, and really decodable as an image."""
    from PIL import Image, UnidentifiedImageError

    from core.uploads import check_upload
    from products.models import ProductPhoto

    checked = check_upload(uploaded, PHOTO_KINDS, field="image")
    try:
        with Image.open(uploaded) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise DomainError(_("Tệp ảnh bị hỏng, không đọc được."), field="image") from exc
    finally:
        uploaded.seek(0)
    with transaction.atomic():
        _check_scope(actor, product.location)
        photo = ProductPhoto(product=product, caption=(caption or "").strip()[:200])
        photo.image.save(f"photo.{'jpg' if checked.kind == 'jpeg' else 'png'}", uploaded, save=False)
        photo.save()
        audit.record(
            actor=actor,
            action="products.photo.added",
            obj=product,
            area=product.location,
            after={"photo": photo.image.name, "caption": photo.caption},
        )
    return photo
