import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from api.auth import AUTH
from api.schemas import ERRORS, Paginated
from core.errors import DomainError
from producers.queries import ProducerFilter, producers_for

router = Router(tags=["producers"], auth=AUTH)


class ProducerOut(Schema):
    id: int
    name: str
    producer_type: str
    registration_no: str
    legal_representative: str
    location: str
    location_name: str
    women_led: bool
    ethnic_minority_led: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_location(obj):
        return str(obj.location.area_id)

    @staticmethod
    def resolve_location_name(obj):
        return obj.location.name


class ProducerFilterIn(Schema):
    q: str = Field("", max_length=200)
    producer_type: str = Field("", max_length=5)
    area: str = Field("", max_length=20)
    women_led: bool = False
    ethnic_minority_led: bool = False


def filtered(request, params: dict, form_class, queryset):
    """Apply the page's filter form to an API query; invalid values answer 400 with what is wrong."""
    form = form_class({k: v for k, v in params.items() if v not in ("", None, False)})
    if not form.is_valid():
        raise DomainError("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    return form.apply(queryset)


@router.get(
    "/",
    response={200: list[ProducerOut], **ERRORS},
    summary="Producers in the caller's areas (same filter as the page)",
)
@paginate(Paginated)
def list_producers(request, filters: Query[ProducerFilterIn]):
    return filtered(request, filters.dict(), ProducerFilter, producers_for(request.auth))


@router.get("/{producer_id}", response={200: ProducerOut, **ERRORS}, summary="One producer (404 outside scope)")
def get_producer(request, producer_id: int):
    return get_object_or_404(producers_for(request.auth).select_related("location"), pk=producer_id)
