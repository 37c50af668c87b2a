"""Placeholder: filled by issue 17."""

urlpatterns = []
