"""Placeholder: filled by issue 17."""

__all__ = []
