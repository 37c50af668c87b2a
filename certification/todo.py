"""The home page's to-do items of certificates (settings.HOME_TODO_PROVIDERS; core.views.home).

Items are dicts as in products.todo (`label`, `count`, `url`, `priority`), counted with the watch's own queries
(certification.watch), so the numbers equal the lists they open; each count is cached by data version
(certification.watch.cached_count), so a home page costs one lookup until a record changes. A constant number of
queries:

- province officers (`certification.manage`): certificates expiring within the warning window, and expired ones
  neither re-recognised nor revoked;
- producers (accounts linked to a producer): their certificates expiring within the window, and those whose
  re-rating window (26/2026 Điều 7.6.a) is open.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.scope import area_scope
from certification.models import Certificate
from certification.watch import cached_count, expired_not_renewed_among, expiring_among, rerating_open_among
from reports.cache import data_version

MANAGE = "certification.manage"


def _item(label, count, url, priority) -> dict:
    return {"label": label, "count": count, "url": url, "priority": priority}


def todo_items(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    version = data_version()
    url = reverse("certificates:expiring")
    items = []
    scope = area_scope(user, MANAGE)
    if scope.everywhere or scope.unit_ids or scope.province_ids or scope.district_ids:
        managed = Certificate.objects.for_user(user, MANAGE)
        n = cached_count("managed-expiring", user, today, expiring_among(managed, today), version)
        if n:
            label = ngettext("%(n)s giấy chứng nhận sắp hết hạn", "%(n)s giấy chứng nhận sắp hết hạn", n) % {"n": n}
            items.append(_item(label, n, url, 30))
        n = cached_count("managed-expired", user, today, expired_not_renewed_among(managed, today), version)
        if n:
            label = ngettext(
                "%(n)s giấy chứng nhận đã hết hạn, chưa được công nhận lại",
                "%(n)s giấy chứng nhận đã hết hạn, chưa được công nhận lại",
                n,
            ) % {"n": n}
            items.append(_item(label, n, url + "?tab=expired", 30))
    own = Certificate.objects.filter(product__producer__accounts=user)
    n = cached_count("own-expiring", user, today, expiring_among(own, today), version)
    if n:
        label = ngettext(
            "%(n)s giấy chứng nhận của bạn sắp hết hạn", "%(n)s giấy chứng nhận của bạn sắp hết hạn", n
        ) % {"n": n}
        items.append(_item(label, n, url, 10))
    n = cached_count("own-rerating", user, today, rerating_open_among(own, today), version)
    if n:
        label = ngettext(
            "%(n)s sản phẩm đến hạn nộp hồ sơ đánh giá, phân hạng lại",
            "%(n)s sản phẩm đến hạn nộp hồ sơ đánh giá, phân hạng lại",
            n,
        ) % {"n": n}
        items.append(_item(label, n, url + "?tab=rerating", 10))
    return items
