"""The public catalogue: no login. Search and home (catalog.urls_search), product, producer and province pages, print
and open data (catalog.urls_pages)."""

from catalog.urls_pages import urlpatterns as page_patterns
from catalog.urls_search import urlpatterns as search_patterns

app_name = "catalog"
urlpatterns = [*search_patterns, *page_patterns]
