"""Trade-promotion events: fairs, exhibitions, supply-demand conferences, livestream sales, and who took part."""

__all__ = []
