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
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from catalog.queries import held_certificate_q
from certification.choices import CertificateState
from certification.models import Certificate
from certification.queries import holding_on
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
# Folded names a query word may match: the product's, its producer's, its places'.
TEXT_FIELDS = (
    "search_name",
    "producer__search_name",
    "new_commune__search_name",
    "new_province__search_name",
    "old_commune__search_name",
    "old_district__search_name",
    "old_province__search_name",
)


def catalogue_products(day: datetime.date | None = None):
    """Every product that holds or has held a certificate begun by `day` (the catalogue's own rule,
    catalog.queries.held_certificate_q): the catalogue never shows a product that was not recognised."""
    return Product.objects.filter(held_certificate_q(day or timezone.localdate()))


def words_filter(words) -> Q:
    """Every word in the product's name, its producer's or one of its places' (folded). Producers and places are
    matched in their own tables (`IN (…)`), not through joins, so that on PostgreSQL each LIKE is served by that
    table's trigram index instead of being tested on every joined row."""
    found = Q()
    for word in words:
        units = AdministrativeUnit.objects.filter(search_name__contains=word).values("pk")
        either = Q(search_name__contains=word) | Q(
            producer__in=Producer.objects.filter(search_name__contains=word).values("pk")
        )
        for field in PLACE_FIELDS:
            either |= Q(**{f"{field}__in": units})
        found &= either
    return found


# --- the vocabulary and the typo fallback -----------------------------------------------------------------------------


def vocabulary(version: int | None = None) -> frozenset[str]:
    """Every word of the catalogue's folded names (products, producers, places), once per data version."""

    def compute():
        words = set()
        for row in catalogue_products().values_list(*TEXT_FIELDS).distinct():
            for text in row:
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
        close = [known for known in vocab if within_distance(word, known, limit)] if limit else []
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
    qs = catalogue_products(day)
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
    status = data.get("status") or "valid"
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
    """The products named (in this order) with their certificate and state on `day` and their first photo: three
    queries whatever their number."""
    ids = list(ids)
    if not ids:
        return []
    order = {pk: i for i, pk in enumerate(ids)}
    rows = (
        Product.objects.filter(pk__in=ids)
        .select_related("producer", "group", "subgroup", "new_commune", "new_province", "old_province")
        .prefetch_related(
            Prefetch("certificates", Certificate.objects.select_related("decision").order_by("valid_from", "id")),
            Prefetch("photos", ProductPhoto.objects.order_by("uploaded_at", "id")),
        )
    )
    result = []
    for product in sorted(rows, key=lambda p: order[p.pk]):
        holding = holding_on(product, day, certificates=list(product.certificates.all()))
        photos = list(product.photos.all())
        result.append(Card(product, holding.certificate, holding.state, photos[0] if photos else None))
    return result


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
    if not valid:
        qs = Product.objects.none()
    else:
        qs = filtered(data, words, day)
        if words and not qs.exists():
            corrected = correct(words, vocabulary())
            if corrected:
                qs = filtered(data, corrected, day)
        qs = ordered(qs, data.get("sort") or "relevance", corrected or words, day)
    paginator = Paginator(qs.only("pk"), per_page)
    page = paginator.get_page(params.get("page"))
    page.object_list = cards([p.pk for p in page.object_list], day)
    page.form = form
    page.corrected = " ".join(corrected) if corrected else ""
    page.query_words = words
    page.day = day
    return page
