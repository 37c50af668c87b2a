"""Sales channels (programme.urls_channels) and trade-promotion events (programme.urls_events)."""

from programme.urls_channels import urlpatterns as channel_patterns
from programme.urls_events import urlpatterns as event_patterns

app_name = "programme"
urlpatterns = [*channel_patterns, *event_patterns]
