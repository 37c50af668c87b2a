"""Sales channels of a product: outlets, e-commerce listings, distribution agreements (moderated)."""

__all__ = []
