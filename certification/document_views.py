"""Printable documents of the register, behind the same scope as the pages that list them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from certification import documents
from certification.models import Certificate


@login_required
def certificate_pdf(request, code: str):
    """The certificate as PDF, for users with `certification.view` whose area holds the product; 404 otherwise.
    Its QR code points at SITE_URL, or when that is not set at the address this request came in on."""
    certificate = (
        Certificate.objects.for_user(request.user, "certification.view")
        .select_related(
            "product__producer",
            "product__group",
            "product__location__district",
            "product__location__province",
            "product__old_district",
            "decision__province",
        )
        .filter(code__iexact=code)
        .first()
    )
    if certificate is None:
        raise Http404
    response = HttpResponse(
        documents.render_certificate_pdf(certificate, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{documents.certificate_filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response
