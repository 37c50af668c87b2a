"""All reference data in one call: what `load_reference_data`, the test setup and the demo use."""


def load_all_reference_data(actor=None) -> list[str]:
    from areas.loader import load_units
    from evaluation.loader import load_criteria_sets
    from ntm.loader import load_ntm_criteria_sets
    from products.loader import load_categories
    from products.placement import place_all_products

    lines = load_units(actor=actor).lines()
    counts = load_categories()
    lines.append("product categories created={created} updated={updated} unchanged={unchanged}".format(**counts))
    lines.append(load_criteria_sets(actor=actor).summary)  # after the categories its sheets apply to
    lines.append(load_ntm_criteria_sets(actor=actor).summary)
    lines.append(f"product places recomputed={place_all_products()}")  # successions may have changed
    return lines
