"""Admin pages of the programme records: one module per model family."""

from programme import admin_channels, admin_events  # noqa: F401
