"""The public catalogue's search: every product that has ever held a certificate, found by folded words in its name,
its producer's name or its places (either boundary scheme), with a one-typo fallback.

The same code runs on SQLite and PostgreSQL: each query word must appear (substring of the folded `search_name`) in
the product's, the producer's or one of its places' names. On PostgreSQL those `LIKE '%…%'` filters are served by the
pg_trgm GIN indexes of catalog/migrations. When no product holds every word, each word that appears nowhere is
replaced by the closest word of the catalogue's vocabulary (one edit for 4–7 letters, two from 8; shorter words are
never guessed; a swap of two neighbours is one edit) and the
search runs once more, so "mat ong muong phnag" still finds "Mật ong Mường Phăng"; the page says it corrected the
query. The vocabulary is read once per data version (reports.cache.cached).

Certificate states follow certification.queries: "valid" is Certificate.objects.valid_on (the SQL twin of
state_on, expiring included), "expired" and "revoked" are products.queries.ProductFilter's states (the certificate
the product holds on the day, as the verify page decides it), and each card shows holding_on()'s state.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When, Window
from django.utils import timezone

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from catalog.queries import entries, held_certificate_q
from certification.choices import CertificateState
from certification.models import Certificate
from core.text import fold
from producers.models import Producer
from products.models import Product, ProductPhoto
from products.queries import ProductFilter
from programme.channel_queries import filter_products_by_channel
from reports.cache import cached

PER_PAGE = 20

# Where a product lies in the scheme and level of an area id (products.placement fills these fields).
PLACE_FIELD = {
    (Scheme.S2025, Level.PROVINCE): "new_province",
    (Scheme.S2025, Level.COMMUNE): "new_commune",
    (Scheme.PRE2025, Level.PROVINCE): "old_province",
    (Scheme.PRE2025, Level.DISTRICT): "old_district",
    (Scheme.PRE2025, Level.COMMUNE): "old_commune",
}
PLACE_FIELDS = ("new_commune", "new_province", "old_commune", "old_district", "old_province")


def catalogue_products(day: datetime.date | None = None):
    """Every product that holds or has held a certificate begun by `day` (the catalogue's own rule,
    catalog.queries.held_certificate_q): the catalogue never shows a product that was not recognised."""
    return Product.objects.filter(held_certificate_q(day or timezone.localdate()))


def words_filter(words) -> Q:
    """Every word in the product's name, its producer's or one of its places' (folded). Producers and places are
    matched in their own tables (`IN (…)`), not through joins: each subquery runs once per query, not per row. A place
    field is matched only against units of its own scheme and level (a product's new commune is always a 2025
    commune), so the units table is read once per word in slices of the (scheme, level, search_name) index instead of
    five times whole."""
    found = Q()
    for word in words:
        either = Q(search_name__contains=word) | Q(
            producer__in=Producer.objects.filter(search_name__contains=word).values("pk")
        )
        for (scheme, level), field in PLACE_FIELD.items():
            units = AdministrativeUnit.objects.filter(scheme=scheme, level=level, search_name__contains=word)
            either |= Q(**{f"{field}__in": units.values("pk")})
        found &= either
    return found


# --- the vocabulary and the typo fallback -----------------------------------------------------------------------------


def vocabulary(version: int | None = None) -> frozenset[str]:
    """Every word of the catalogue's folded names (products, producers, places), once per data version.

    One pass over the catalogue (its product and producer names and its place ids) and one over the units' names:
    the catalogue's rule is tested once, not once per name column, and each distinct name is split once."""

    def compute():
        place_ids = [f"{field}_id" for field in PLACE_FIELDS]
        names, places = set(), set()
        for row in catalogue_products().values_list("search_name", "producer__search_name", *place_ids).order_by():
            names.add(row[0])
            names.add(row[1])
            places.update(row[2:])
        places.discard(None)
        names.update(
            name for pk, name in AdministrativeUnit.objects.values_list("pk", "search_name").order_by() if pk in places
        )
        words = set()
        for text in names:
            words.update((text or "").split())
        return frozenset(words)

    return cached("catalogue-vocabulary", compute=compute, version=version)


def within_distance(a: str, b: str, limit: int) -> bool:
    """The edit distance of a and b is at most `limit`: a letter added, dropped, changed, or two neighbours swapped
    ("phnag" → "phang") each count one (optimal string alignment); stops once every path is over the limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    before, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


def allowed_typos(word: str) -> int:
    if len(word) < 4:  # "ga" → "gao" or "ca"? too short to guess
        return 0
    return 1 if len(word) < 8 else 2


def correct(words: list[str], vocab: frozenset[str]) -> list[str] | None:
    """The query with each word that is in no name replaced by its closest vocabulary word; None if nothing changed
    or a word has no close neighbour."""
    changed, result = False, []
    for word in words:
        if word in vocab or any(word in known for known in vocab if len(known) > len(word)):
            result.append(word)
            continue
        limit = allowed_typos(word)
        letters = set(word)
        # Cheap tests before the distance: a word within reach differs by at most `limit` letters in length and by at
        # most two distinct letters per edit (a change drops one and brings one; a swap changes none).
        close = [
            known
            for known in vocab
            if limit
            and abs(len(known) - len(word)) <= limit
            and len(letters.symmetric_difference(known)) <= 2 * limit
            and within_distance(word, known, limit)
        ]
        if not close:
            return None
        # nearest first, then the commonest spelling's neighbour: ties broken alphabetically so the answer is stable
        close.sort(key=lambda known: (_distance(word, known), abs(len(known) - len(word)), known))
        result.append(close[0])
        changed = True
    return result if changed else None


def _distance(a: str, b: str) -> int:
    for limit in range(3):
        if within_distance(a, b, limit):
            return limit
    return 3


# --- the search -------------------------------------------------------------------------------------------------------


@dataclass
class Card:
    """What a result shows: the product, its certificate held today and that certificate's state (the verify page's)."""

    product: Product
    certificate: Certificate | None
    state: str | None
    photo: ProductPhoto | None

    @property
    def state_label(self) -> str:
        return CertificateState(self.state).label if self.state else ""

    @property
    def is_valid(self) -> bool:
        return self.state in (CertificateState.VALID, CertificateState.EXPIRING)


def _state_filter(qs, status: str, day: datetime.date):
    if status == "all":
        return qs
    state = {"valid": "certified", "expired": "expired", "revoked": "revoked"}[status]
    return ProductFilter(data={"state": state, "as_of": day.isoformat()}).apply(qs)


def _stars_filter(qs, stars: int, status: str, day: datetime.date):
    if status == "valid":
        return qs.filter(Exists(Certificate.objects.valid_on(day).filter(product=OuterRef("pk"), stars=stars)))
    # expired or revoked products: the stars they were last recognised with
    latest = Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day).order_by("-valid_from", "-id")
    return qs.alias(last_stars=Subquery(latest.values("stars")[:1])).filter(last_stars=stars)


def filtered(data: dict, words: list[str], day: datetime.date):
    status = data.get("status") or "valid"
    # Each state but "all" asks for a certificate begun by `day` (one in force, or the latest begun), so it already
    # implies the catalogue's rule: testing both made the database read the certificates twice.
    qs = catalogue_products(day) if status == "all" else Product.objects.all()
    if words:
        qs = qs.filter(words_filter(words))
    if data.get("group"):
        qs = qs.filter(group=data["group"])
    if data.get("subgroup"):
        qs = qs.filter(subgroup=data["subgroup"])
    for key in ("province", "area"):
        unit = data.get(key)
        if unit is not None:
            field = PLACE_FIELD.get((unit.scheme, unit.level))
            qs = qs.filter(**{field: unit}) if field else qs.none()
    if data.get("channel"):
        qs = filter_products_by_channel(qs, data["channel"])
    qs = _state_filter(qs, status, day)
    if data.get("stars"):
        qs = _stars_filter(qs, data["stars"], status, day)
    return qs


def ordered(qs, sort: str, words: list[str], day: datetime.date):
    if sort == "relevance" and words:
        phrase = " ".join(words)
        qs = qs.alias(
            rank=Case(
                When(search_name__startswith=phrase, then=Value(0)),
                When(search_name__contains=phrase, then=Value(1)),
                When(Q(*[Q(search_name__contains=w) for w in words]), then=Value(2)),
                When(producer__search_name__contains=phrase, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
        return qs.order_by("rank", "search_name", "id")
    if sort == "stars" or (sort == "relevance" and not words):
        best = Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day).order_by("-valid_from", "-id")
        return qs.alias(shown_stars=Subquery(best.values("stars")[:1])).order_by("-shown_stars", "search_name", "id")
    if sort == "newest":
        first = Certificate.objects.filter(product=OuterRef("pk"), valid_from__lte=day).order_by(
            "-decision__date", "-id"
        )
        return qs.alias(recognised=Subquery(first.values("decision__date")[:1])).order_by(
            "-recognised", "search_name", "id"
        )
    return qs.order_by("search_name", "id")


def cards(ids, day: datetime.date) -> list[Card]:
    """The products named (in this order) with their certificate and state on `day` (catalog.queries.entries: the
    verify page's rules) and their first photo: three queries whatever their number."""
    ids = list(ids)
    if not ids:
        return []
    rows = (
        Product.objects.filter(pk__in=ids)
        .select_related("producer", "group", "subgroup", "new_commune", "new_province", "old_province")
        .prefetch_related(Prefetch("photos", ProductPhoto.objects.order_by("uploaded_at", "id")))
    )
    found = {entry.product.pk: entry for entry in entries(rows, day)}
    result = []
    for pk in ids:
        if pk in found:
            entry = found[pk]
            photos = list(entry.product.photos.all())
            result.append(Card(entry.product, entry.certificate, entry.state, photos[0] if photos else None))
    return result


def _page_number(value) -> int:
    """Paginator.get_page's reading of the `page` parameter: a number ≥ 1, anything else is the first page."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _page(qs, number: int, per_page: int) -> tuple[int, list[int], int]:
    """(page number, ids on that page, number of results). The first page comes with its count in one query (COUNT(*)
    OVER () on each row), so the filters, which are most of the cost, run once instead of once for the count and once
    for the page. A later page is counted first (without the ordering's subqueries), as Paginator.get_page shows the
    last page for a number past it."""
    if number == 1:
        rows = list(qs.annotate(_total=Window(Count("*"))).values_list("pk", "_total")[:per_page])
        return 1, [pk for pk, _total in rows], rows[0][1] if rows else 0
    total = qs.count()
    if not total:
        return 1, [], 0
    number = min(number, (total + per_page - 1) // per_page)
    start = (number - 1) * per_page
    return number, list(qs.values_list("pk", flat=True)[start : start + per_page]), total


class _CountedPaginator(Paginator):
    """A Paginator told its count (read with the page's rows) instead of running COUNT(*) itself."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def search_products(params, *, day: datetime.date | None = None, per_page: int = PER_PAGE):
    """The catalogue's answer to a GET query (a QueryDict or dict): a Page of Cards, with `form` (the bound filter
    form: its errors say what is wrong), `corrected` (the words searched instead, when a typo was corrected) and
    `query_words`. A form with errors gives an empty page, never a guess."""
    from catalog.forms import CatalogueSearchForm

    day = day or timezone.localdate()
    form = CatalogueSearchForm(params)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    words = fold(data.get("q") or "").split()
    corrected = None
    number = _page_number(params.get("page"))
    ids, total = [], 0
    if valid:
        sort = data.get("sort") or "relevance"
        found, ids, total = _page(ordered(filtered(data, words, day), sort, words, day), number, per_page)
        if words and not total:
            corrected = correct(words, vocabulary())
            if corrected:
                qs = ordered(filtered(data, corrected, day), sort, corrected, day)
                found, ids, total = _page(qs, number, per_page)
        number = found
    paginator = _CountedPaginator(range(total), per_page, total)
    page = paginator.get_page(number)
    page.object_list = cards(ids, day)
    page.form = form
    page.corrected = " ".join(corrected) if corrected else ""
    page.query_words = words
    page.day = day
    return page
