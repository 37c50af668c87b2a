"""The home page's to-do items of ideas and dossiers (settings.HOME_TODO_PROVIDERS; core.views.home).

An item is a dict: `label` (the sentence, its count inside), `count`, `url` (the list it opens, filtered), `priority`
(lower first: 10 sent back to you, 20 waiting for you, 30 to watch). Only items with something to do are returned.
A constant number of queries whatever the number of ideas and dossiers: the memberships once, one count per item.

- commune officers (`products.screen`): ideas waiting for screening, dossiers waiting for the commune's check;
- province officers (`evaluation.manage`): dossiers forwarded by the communes and not yet before a council;
- producers (accounts linked to a producer): ideas and dossiers the commune returned, dossiers still in preparation.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.scope import area_scope
from products.choices import DossierStatus, IdeaStatus
from products.models import Dossier, ProductIdea

SCREEN = "products.screen"
ORGANISE = "evaluation.manage"


def _item(label: str, count: int, url: str, priority: int) -> dict:
    return {"label": label, "count": count, "url": url, "priority": priority}


def _reaches(user, action) -> bool:
    scope = area_scope(user, action)
    return scope.everywhere or bool(scope.unit_ids or scope.province_ids or scope.district_ids)


def awaiting_province(user):
    """Dossiers the communes forwarded, in the user's `evaluation.manage` area, whose product is not yet in a round
    that ends on or after the day it was forwarded."""
    from evaluation.council_models import RoundItem

    placed = RoundItem.objects.filter(
        product=OuterRef("product"), evaluation_round__ends_on__gte=OuterRef("forwarded_on")
    )
    return Dossier.objects.for_user(user, ORGANISE).filter(status=DossierStatus.FORWARDED).exclude(Exists(placed))


def todo_items(user) -> list[dict]:
    items = []
    ideas_url = reverse("ideas:list")
    dossiers_url = reverse("ideas:dossiers")
    if _reaches(user, SCREEN):
        n = ProductIdea.objects.for_user(user, SCREEN).filter(status=IdeaStatus.SUBMITTED).count()
        if n:
            label = ngettext("%(n)s ý tưởng chờ xã sàng lọc", "%(n)s ý tưởng chờ xã sàng lọc", n) % {"n": n}
            items.append(_item(label, n, f"{ideas_url}?status={IdeaStatus.SUBMITTED}", 20))
        n = Dossier.objects.for_user(user, SCREEN).filter(status=DossierStatus.SUBMITTED).count()
        if n:
            label = ngettext("%(n)s hồ sơ chờ xã kiểm tra", "%(n)s hồ sơ chờ xã kiểm tra", n) % {"n": n}
            items.append(_item(label, n, f"{dossiers_url}?status={DossierStatus.SUBMITTED}", 20))
    if _reaches(user, ORGANISE):
        n = awaiting_province(user).count()
        if n:
            label = ngettext("%(n)s hồ sơ chờ tỉnh", "%(n)s hồ sơ chờ tỉnh", n) % {"n": n}
            items.append(_item(label, n, f"{dossiers_url}?status={DossierStatus.FORWARDED}", 20))
    if user.is_authenticated:
        own = Q(producer__accounts=user)
        ideas = ProductIdea.objects.filter(own, status=IdeaStatus.RETURNED).count()
        if ideas:
            label = ngettext(
                "%(n)s ý tưởng bị xã trả lại, cần sửa và gửi lại",
                "%(n)s ý tưởng bị xã trả lại, cần sửa và gửi lại",
                ideas,
            ) % {"n": ideas}
            items.append(_item(label, ideas, f"{ideas_url}?status={IdeaStatus.RETURNED}", 10))
        counts = (
            Dossier.objects.filter(product__producer__accounts=user)
            .filter(status__in=[DossierStatus.RETURNED, DossierStatus.PROVINCE_RETURNED, DossierStatus.DRAFT])
            .aggregate(
                returned=Count("pk", filter=Q(status=DossierStatus.RETURNED)),
                province_returned=Count("pk", filter=Q(status=DossierStatus.PROVINCE_RETURNED)),
                draft=Count("pk", filter=Q(status=DossierStatus.DRAFT)),
            )
        )
        if counts["returned"]:
            n = counts["returned"]
            label = ngettext(
                "%(n)s hồ sơ bị xã trả lại, cần bổ sung và nộp lại",
                "%(n)s hồ sơ bị xã trả lại, cần bổ sung và nộp lại",
                n,
            ) % {"n": n}
            items.append(_item(label, n, f"{dossiers_url}?status={DossierStatus.RETURNED}", 10))
        if counts["province_returned"]:
            n = counts["province_returned"]
            label = ngettext(
                "%(n)s hồ sơ tỉnh yêu cầu hoàn thiện, cần bổ sung và nộp lại cho xã",
                "%(n)s hồ sơ tỉnh yêu cầu hoàn thiện, cần bổ sung và nộp lại cho xã",
                n,
            ) % {"n": n}
            items.append(_item(label, n, f"{dossiers_url}?status={DossierStatus.PROVINCE_RETURNED}", 10))
        if counts["draft"]:
            n = counts["draft"]
            label = ngettext("%(n)s hồ sơ đang chuẩn bị, chưa nộp xã", "%(n)s hồ sơ đang chuẩn bị, chưa nộp xã", n) % {
                "n": n
            }
            items.append(_item(label, n, f"{dossiers_url}?status={DossierStatus.DRAFT}", 30))
    return items
