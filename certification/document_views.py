"""Printable documents of the register, behind the same scope as the pages that list them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from certification import documents
from certification.models import Certificate


@login_required
def certificate_pdf(request, code: str):
    """The certificate as PDF, for users with `certification.view` whose area holds the product; 404 otherwise."""
    certificate = (
        Certificate.objects.for_user(request.user, "certification.view")
        .select_related(
            "product__producer",
            "product__group",
            "product__location__district",
            "product__location__province",
            "decision__province",
        )
        .filter(code__iexact=code)
        .first()
    )
    if certificate is None:
        raise Http404
    response = HttpResponse(documents.render_certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.certificate_filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response
