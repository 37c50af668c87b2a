import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from certification.queries import recognition_on
from producers.api import filtered
from products.queries import ProductFilter, products_for, with_row_values

router = Router(tags=["products"], auth=AUTH)


class CertificateOut(Schema):
    code: str
    stars: int
    score: float | None
    decision_no: str
    decision_date: datetime.date
    valid_until: datetime.date
    state: str


def _recognition(product, context):
    """One derivation per product and response (the list's queryset annotates `potential_5_star`)."""
    day = getattr(context["request"], "as_of", None) or datetime.date.today()
    cached = getattr(product, "_recognition", None)
    if cached is None or cached[0] != day:
        cached = (day, recognition_on(product, day, certificates=list(product.certificates.all())))
        product._recognition = cached
    return cached[1]


class ProductOut(Schema):
    id: int
    name: str
    producer: str
    producer_id: int
    group: str
    location: str
    current_location: str | None
    certificate: CertificateOut | None
    recognition: str = Field(
        description="the product's state on the day, derived from its certificates: valid, expiring, expired, "
        "revoked or none"
    )
    potential_5_star: bool = Field(
        description="a provincial result of at least 90 points was approved and proposed to the ministry, "
        "not yet decided there (CONTRACT §6)"
    )

    @staticmethod
    def resolve_producer(obj):
        return obj.producer.name

    @staticmethod
    def resolve_group(obj):
        return obj.group.code

    @staticmethod
    def resolve_location(obj):
        return str(obj.location.area_id)

    @staticmethod
    def resolve_current_location(obj):
        return str(obj.current_location.area_id) if obj.current_location_id else None

    @staticmethod
    def resolve_recognition(obj, context):
        return _recognition(obj, context).state

    @staticmethod
    def resolve_potential_5_star(obj, context):
        return _recognition(obj, context).potential_5_star

    @staticmethod
    def resolve_certificate(obj, context):
        holding = _recognition(obj, context).holding
        cert = holding.certificate
        if cert is None:
            return None
        return {
            "code": cert.code,
            "stars": cert.stars,
            "score": cert.score,
            "decision_no": cert.decision.number,
            "decision_date": cert.valid_from,
            "valid_until": cert.valid_until,
            "state": holding.state,
        }


class ProductFilterIn(Schema):
    q: str = Field("", max_length=200)
    group: str = Field("", max_length=40)  # ProductCategory.code
    stars: int | None = Field(None, ge=1, le=5)
    state: str = Field("", max_length=20)
    producer_type: str = Field("", max_length=5)
    area: str = Field("", max_length=20)
    as_of: datetime.date | None = None


class RegisterPaginated(Paginated):
    """The API's pagination over the register: counts and pages the bare filtered rows, then adds what each row shows
    for the answer's rows only (products.queries.with_row_values)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result["items"] = with_row_values(result["items"], request.register_day)
        return result


@router.get(
    "/",
    response={200: list[ProductOut], **ERRORS},
    summary="The product register (same filter as the page and the export)",
)
@paginate(RegisterPaginated)
def list_products(request, filters: Query[ProductFilterIn]):
    params = filters.dict()
    request.as_of = params.get("as_of")
    request.register_day = request.as_of or timezone.localdate()  # ProductFilter.day
    return filtered(request, params, ProductFilter, products_for(request.auth))


@router.get(
    "/{product_id}",
    response={200: ProductOut, **ERRORS},
    summary="One product with its certificate today (404 outside scope)",
)
def get_product(request, product_id: int):
    filters = ProductFilter({})
    qs = filters.rows(filters.apply(products_for(request.auth)))
    return get_object_or_404(qs, pk=product_id)
