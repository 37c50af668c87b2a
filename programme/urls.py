"""The programme's pages, one URL module per record family."""

from programme.urls_actuals import urlpatterns as actual_patterns
from programme.urls_channels import urlpatterns as channel_patterns
from programme.urls_events import urlpatterns as event_patterns
from programme.urls_funding import urlpatterns as funding_patterns
from programme.urls_linkages import urlpatterns as linkage_patterns
from programme.urls_monitoring import urlpatterns as monitoring_patterns
from programme.urls_plans import urlpatterns as plan_patterns
from programme.urls_training import urlpatterns as training_patterns

app_name = "programme"
urlpatterns = [
    *channel_patterns,
    *event_patterns,
    *plan_patterns,
    *actual_patterns,
    *linkage_patterns,
    *funding_patterns,
    *monitoring_patterns,
    *training_patterns,
]
