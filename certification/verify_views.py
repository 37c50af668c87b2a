"""The public page a certificate's QR code opens: its state today, for anyone, without logging in; and `/verify/`, the
box where someone types (or pastes) the code printed on the certificate or the product's label."""

import re

from django import forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import queries
from certification.documents import issuing_authority
from core.forms import BootstrapMixin
from core.pagecache import public_page

MAX_AGE = 300  # seconds: a state changes at most once a day, a revocation is seen within five minutes

# A code as the register holds it (12 hex digits for codes the system made; imported codes may differ): letters,
# digits, "-" and "_", as the /verify/<slug:code>/ address accepts.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Someone may paste the whole address the QR code carries: the code is its last part.
PASTED_URL_RE = re.compile(r"/verify/([^/?#\s]+)")


class LookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã tra cứu"),
        max_length=300,
        help_text=gettext_lazy("Mã in dưới mã QR trên giấy chứng nhận hoặc tem sản phẩm, ví dụ 2F6A4F36C581."),
        error_messages={"required": gettext_lazy("Hãy nhập mã tra cứu in trên giấy chứng nhận hoặc tem sản phẩm.")},
    )

    found: queries.Verification | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}
        )

    def clean_code(self) -> str:
        text = self.cleaned_data["code"].strip()
        pasted = PASTED_URL_RE.search(text)
        code = "".join((pasted.group(1) if pasted else text).split())  # "2F6A 4F36 C581" as read aloud
        if not CODE_RE.match(code):
            raise forms.ValidationError(
                _("“%(code)s” không phải là mã tra cứu: mã chỉ gồm chữ cái và chữ số, ví dụ 2F6A4F36C581.")
                % {"code": text[:80]},
                code="malformed",
            )
        self.found = queries.verify(code, timezone.localdate())
        if self.found is None:
            raise forms.ValidationError(
                _("Không có giấy chứng nhận OCOP nào mang mã “%(code)s”. Hãy kiểm tra lại từng ký tự của mã.")
                % {"code": code.upper()},
                code="unknown",
            )
        return self.found.certificate.code


def lookup(request):
    """`/verify/`: a box for the code. A code that names a certificate goes to its page; an empty, malformed or
    unknown one is answered on this page, under the box, with 400 (empty) or 404 (no such certificate)."""
    if "code" not in request.GET:
        return _empty_lookup(request)
    form = LookupForm(request.GET)
    if form.is_valid():
        return redirect("verify:certificate", form.cleaned_data["code"])
    status = 400 if form.has_error("code", "required") else 404
    return render(request, "certification/verify_lookup.html", {"form": form}, status=status)


@public_page("verify-lookup", max_age=MAX_AGE)
def _empty_lookup(request):
    return render(request, "certification/verify_lookup.html", {"form": LookupForm()})


# The page shows when it was looked up: made again every MAX_AGE, as stale as a browser may keep it anyway.
@public_page("verify", max_age=MAX_AGE, refresh=MAX_AGE)
def verify(request, code: str):
    now = timezone.now()
    found = queries.verify(code, timezone.localdate(now))
    if found is None:
        response = render(
            request,
            "certification/verify_unknown.html",
            {"code": code, "form": LookupForm(initial={"code": code})},
            status=404,
        )
    else:
        # The authority named as on the certificate itself ("UBND tỉnh Điện Biên"), not the decision's level
        authority = issuing_authority(found.certificate.decision, found.certificate.product)
        response = render(request, "certification/verify.html", {"v": found, "checked_at": now, "authority": authority})
    return response
