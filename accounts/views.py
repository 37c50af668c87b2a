from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import LoginForm, TokenForm
from accounts.models import Membership
from core import audit
from core.actions import perform
from core.errors import DomainError
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(actor=self.request.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.issue_token(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": request.user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    return perform(
        request,
        lambda: services.revoke_token(actor=request.user, token_id=token_id),
        success=_("Đã thu hồi mã truy cập."),
        then="accounts:tokens",
    )


def _members(user):
    return Membership.objects.active().for_user(user, "accounts.view_members").select_related("user", "area")


@login_required
def members(request):
    """Roles by area. Roles are given on a person's page (`person`), with an area picked from a list, not typed."""
    qs = _members(request.user).order_by("area__code", "role", "user__search_name", "user__pk")
    role = request.GET.get("role", "")
    if role:
        qs = qs.filter(role=role)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "accounts/members.html",
        {"page": page, "role": role, "roles": Membership._meta.get_field("role").choices},
        "results",
    )


@login_required
def member(request, pk: int):
    membership = get_in_scope_or_404(_members(request.user), pk=pk)
    return render(
        request,
        "accounts/member.html",
        {
            "membership": membership,
            "history": audit.history(membership, request.user)[:50],
        },
    )


@login_required
@require_POST
def revoke_member(request, pk: int):
    membership = get_in_scope_or_404(_members(request.user), pk=pk)
    return perform(
        request,
        lambda: services.revoke_membership(actor=request.user, membership=membership),
        success=_("Đã thu hồi phân công."),
        then="accounts:members",
    )
