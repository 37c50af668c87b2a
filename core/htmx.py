from django.template.response import TemplateResponse


def page_or_partial(request, template: str, context: dict, partial: str, status: int = 200):
    """One view, page or fragment (DESIGN.md rule 6): htmx requests get only the named partial of the same template,
    so the markup exists once."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return TemplateResponse(request, f"{template}#{partial}", context, status=status)
    return TemplateResponse(request, template, context, status=status)
