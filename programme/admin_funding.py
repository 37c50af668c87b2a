"""Placeholder: filled by issue 17."""
