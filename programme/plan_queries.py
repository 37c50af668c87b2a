"""Reads over programme documents, annual plans and their lines, shared by the pages, the API and the product page."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from areas.filters import with_counterparts, within
from core.text import fold
from programme.models import AnnualPlan, PlanLine, ProgrammeDocument

VIEW = "programme.view"
MANAGE = "programme.manage_plans"
SUGGESTIONS_PER_LINE = 5
SUGGESTION_POOL = 2000  # candidates read for one plan's suggestions: far above the products a plan's area names


def _readable(model, user):
    """Records of `user`'s areas for programme.view, and those of the units above them (a commune's officer reads
    the province's programme and plans, and those of its district before the reform): plans are what the areas
    below carry out. Two queries at most."""
    from areas.models import AdministrativeUnit
    from core.scoping import area_scope, scope_q

    own = scope_q(user, VIEW, "area")
    if own is None:
        return model.objects.all()
    scope = area_scope(user, VIEW)
    above = set()
    for province_id, district_id in AdministrativeUnit.objects.filter(pk__in=scope.unit_ids).values_list(
        "province_id", "district_id"
    ):
        above.update(unit_id for unit_id in (province_id, district_id) if unit_id)
    return model.objects.filter(own | Q(area__in=with_counterparts(above)))


def plans_for(user):
    """Plans `user` may read (see _readable); a producer account only those naming one of its producers."""
    from accounts.scope import acts_only_as_producer

    if not user.has_perm(VIEW):
        return AnnualPlan.objects.none()
    qs = _readable(AnnualPlan, user)
    if acts_only_as_producer(user):
        qs = qs.filter(pk__in=PlanLine.objects.filter(producer__accounts=user).values("plan"))
    return qs


def visible_lines(user, plan):
    """The plan's lines `user` may read: all, or for a producer account the lines of its producers."""
    from accounts.scope import acts_only_as_producer

    lines = plan_lines(plan)
    return lines.filter(producer__accounts=user) if acts_only_as_producer(user) else lines


def managed_plans(user):
    return AnnualPlan.objects.for_user(user, MANAGE)


def documents_for(user):
    return _readable(ProgrammeDocument, user) if user.has_perm(VIEW) else ProgrammeDocument.objects.none()


def managed_documents(user):
    return ProgrammeDocument.objects.for_user(user, MANAGE)


def filter_plans(qs, *, year=None, area=None):
    """Plans of a year and of an area of either scheme (the area's own plans and those of the units within it)."""
    if year:
        qs = qs.filter(year=year)
    if area is not None:
        qs = qs.filter(within(area, "area"))
    return qs


def plan_list(user, *, year=None, area=None):
    """The list page's rows: each plan with its lines' count and planned amount, summed in SQL."""
    return (
        filter_plans(plans_for(user), year=year, area=area)
        .select_related("area", "document")
        .annotate(line_count=Count("lines", distinct=True), planned_total=Sum("lines__planned_amount"))
        .order_by("-year", "area__code", "-id")
    )


def plan_lines(plan):
    return plan.lines.select_related(
        "commune",
        "producer",
        "idea",
        "product",
        "decision",
        "round_item__evaluation_round",
    ).order_by("position", "id")


def plan_targets(plan):
    return plan.targets.select_related("group", "sub_area").order_by("metric", "stars", "id")


def document_list(user, *, area=None):
    qs = documents_for(user).select_related("area").annotate(plan_count=Count("plans"))
    if area is not None:
        qs = qs.filter(within(area, "area"))
    return qs.order_by("-start_year", "area__code", "-id")


def product_plan_lines(user, product):
    """The plan lines naming `product`, in the plans `user` may read, newest year first."""
    return (
        PlanLine.objects.filter(product=product, plan__in=plans_for(user))
        .select_related("plan__area")
        .order_by("-plan__year", "plan__id", "position")
    )


# --- name suggestions ---------------------------------------------------------------------------------------------


@dataclass
class Suggestions:
    products: list = field(default_factory=list)
    ideas: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.products or self.ideas)


def _words(text: str) -> list[str]:
    return fold(text).split()


def _matches(words, folded: str) -> bool:
    return all(word in folded for word in words)


def name_suggestions(user, plan, lines) -> dict[int, Suggestions]:
    """For each line naming neither a product nor an idea: the products and ideas in the plan's area (and in the
    user's scope) whose folded name contains every word of the line's folded name ("Cà phê" ↔ "Cà phê Thuận Châu").
    Two queries whatever the number of lines."""
    from products.models import Product, ProductIdea

    wanted = {line.pk: _words(line.name) for line in lines if not line.product_id and not line.idea_id}
    wanted = {pk: words for pk, words in wanted.items() if words}
    if not wanted:
        return {}
    # products store their folded name (search_name): the database narrows them to the lines' words
    any_line = Q(pk__in=[])
    for words in wanted.values():
        all_words = Q()
        for word in words:
            all_words &= Q(search_name__contains=word)
        any_line |= all_words
    products = list(
        Product.objects.for_user(user, VIEW)
        .filter(within(plan.area, "location"))
        .filter(any_line)
        .select_related("producer")
        .order_by("search_name", "id")[:SUGGESTION_POOL]
    )
    # ideas keep only the name as written: folded here, among the area's ideas not yet become a product
    ideas = [
        (fold(idea.product_name), idea)
        for idea in ProductIdea.objects.for_user(user, VIEW)
        .filter(within(plan.area, "location"), product__isnull=True)
        .select_related("producer")
        .order_by("product_name", "id")[:SUGGESTION_POOL]
    ]
    found = {}
    for pk, words in wanted.items():
        found_products = [p for p in products if _matches(words, p.search_name)][:SUGGESTIONS_PER_LINE]
        found_ideas = [i for folded, i in ideas if _matches(words, folded)][:SUGGESTIONS_PER_LINE]
        if found_products or found_ideas:
            found[pk] = Suggestions(found_products, found_ideas)
    return found
