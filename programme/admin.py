"""Admin pages of the programme records: one module per model family."""

from programme import (  # noqa: F401
    admin_channels,
    admin_events,
    admin_funding,
    admin_linkages,
    admin_monitoring,
    admin_plans,
    admin_training,
)
