"""People's accounts without the Django admin: the list, creation with a one-time set-password link, editing,
roles, deactivation, producer links; the set-password page and the forgotten-password request (issue 12)."""

import hashlib

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import queries, services
from accounts.forms import AccountForm, EmailForm, PersonForm, ProducerLinkForm, RoleForm, SetPasswordForm
from accounts.models import Membership
from accounts.roles import Role
from core import audit
from core.errors import DomainError, NotFound
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.ratelimit import client_ip
from core.scoping import get_in_scope_or_404

LINK_SESSION_KEY = "accounts.password_link"
RESET_LIMIT = 5  # forgotten-password mails per address and client per hour


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _require_manage(request):
    if not request.user.has_perm(queries.MANAGE):
        raise PermissionDenied(_("Bạn không có quyền quản lý tài khoản."))


def _remember_link(request, person, url):
    """The link is shown once, on the next page the officer sees (not kept anywhere else)."""
    request.session[LINK_SESSION_KEY] = {"user": person.pk, "url": url}


@login_required
def people(request):
    text = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    rows = queries.account_rows(request.user, text=text, role=role, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return page_or_partial(
        request,
        "accounts/people.html",
        {"page": page, "q": text, "role": role, "status": status, "roles": Role.choices},
        "results",
    )


def _unit_options(actor, text="", selected=None):
    units = list(queries.assignable_units(actor, text)[:300])
    if selected is not None and all(u.pk != selected.pk for u in units):
        units.insert(0, selected)
    return [(u.pk, queries.unit_label(u)) for u in units]


@login_required
def create_person(request):
    _require_manage(request)
    form = AccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_account(actor=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            url = services.issue_password_link(actor=request.user, user=person, base_url=_base_url(request))
            _remember_link(request, person, url)
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": person.get_full_name()})
            return redirect("accounts:person", person.pk)
    selected = form.cleaned_data.get("area") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render(
        request,
        "accounts/person_form.html",
        {"form": form, "unit_options": _unit_options(request.user, selected=selected), "selected_unit": selected},
        status=400 if form.is_bound else 200,
    )


def _person_page(request, person, *, status=200, **forms):
    actor = request.user
    can_manage = (
        actor.has_perm(queries.MANAGE) and queries.users_for(actor, queries.MANAGE).filter(pk=person.pk).exists()
    )
    link = request.session.pop(LINK_SESSION_KEY, None)
    new_link = link["url"] if link and link.get("user") == person.pk else None
    context = {
        "person": person,
        "memberships": Membership.objects.filter(user=person)
        .select_related("area", "granted_by")
        .order_by("revoked_at", "created_at"),
        "producers": person.producers.select_related("location").order_by("search_name"),
        "can_manage": can_manage,
        "new_link": new_link,
        "link_expires": services.password_link_expiry() if new_link else None,
        "history": audit.history(person, actor)[:50],
    }
    if can_manage:
        from notifications.services import email_configured

        context["email_configured"] = email_configured()
        context["person_form"] = forms.get("person_form") or PersonForm(
            initial={
                "full_name": person.full_name,
                "phone": person.phone,
                "email": person.email,
                "expected_version": person.version,
            }
        )
        context["may_grant"] = not services.may_not_grant_self(actor, person)
        context["self_grant_message"] = services.self_grant_message()
        context["role_form"] = forms.get("role_form") or RoleForm(actor=actor)
        role_area = context["role_form"].cleaned_data.get("area") if context["role_form"].is_bound else None
        context["unit_options"] = _unit_options(actor, selected=role_area)
        context["selected_unit"] = role_area
        context["producer_form"] = forms.get("producer_form") or ProducerLinkForm(actor=actor)
        context["producer_options"] = list(queries.linkable_producers(actor)[:300])
    return TemplateResponse(request, "accounts/person.html", context, status=status)


def _person(request, pk, action=queries.VIEW):
    return get_in_scope_or_404(queries.users_for(request.user, action), pk=pk)


@login_required
def person(request, pk: int):
    return _person_page(request, _person(request, pk))


@login_required
@require_POST
def edit_person(request, pk: int):
    person = _person(request, pk, queries.MANAGE)
    form = PersonForm(request.POST)
    if form.is_valid():
        try:
            services.update_account(actor=request.user, user=person, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("accounts:person", person.pk)
    return _person_page(request, person, status=400, person_form=form)


@login_required
@require_POST
def grant_role(request, pk: int):
    person = _person(request, pk, queries.MANAGE)
    form = RoleForm(request.POST, actor=request.user)
    if form.is_valid():
        role, area = form.cleaned_data["role"], form.cleaned_data["area"]
        try:
            services.check_role_area(role, area)
            services.grant_membership(actor=request.user, user=person, role=role, area=area)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã giao vai trò %(role)s.") % {"role": Role(role).label})
            return redirect("accounts:person", person.pk)
    return _person_page(request, person, status=400, role_form=form)


@login_required
@require_POST
def password_link(request, pk: int):
    person = _person(request, pk, queries.MANAGE)
    try:
        url = services.issue_password_link(actor=request.user, user=person, base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        _remember_link(request, person, url)
        messages.success(request, _("Đã tạo liên kết đặt mật khẩu mới."))
    return redirect("accounts:person", person.pk)


def _button(request, pk, call, success):
    person = _person(request, pk, queries.MANAGE)
    try:
        call(person)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("accounts:person", person.pk)


@login_required
@require_POST
def deactivate_person(request, pk: int):
    return _button(
        request,
        pk,
        lambda p: services.deactivate_user(actor=request.user, user=p),
        _("Đã khoá tài khoản. Người này không đăng nhập được nữa; các phân công vẫn được lưu."),
    )


@login_required
@require_POST
def reactivate_person(request, pk: int):
    return _button(
        request, pk, lambda p: services.reactivate_user(actor=request.user, user=p), _("Đã mở khoá tài khoản.")
    )


@login_required
@require_POST
def link_producer(request, pk: int):
    person = _person(request, pk, queries.MANAGE)
    form = ProducerLinkForm(request.POST, actor=request.user)
    if form.is_valid():
        producer = form.cleaned_data["producer"]
        try:
            services.link_producer(actor=request.user, user=person, producer=producer)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã liên kết với %(name)s.") % {"name": producer.name})
            return redirect("accounts:person", person.pk)
    return _person_page(request, person, status=400, producer_form=form)


@login_required
@require_POST
def unlink_producer(request, pk: int, producer_pk: int):
    def call(person):
        producer = person.producers.filter(pk=producer_pk).first()
        if producer is None:
            raise NotFound(_("Tài khoản không liên kết với chủ thể này."))
        services.unlink_producer(actor=request.user, user=person, producer=producer)

    return _button(request, pk, call, _("Đã bỏ liên kết chủ thể."))


@login_required
@require_GET
def pick_units(request):
    """Options for the area select, narrowed by an accent-insensitive search (htmx swaps them into the select)."""
    _require_manage(request)
    text = request.GET.get("area_q", "").strip()
    options = [
        (u.pk, queries.unit_label(u)) for u in queries.assignable_units(request.user, text)[: queries.PICK_LIMIT]
    ]
    return render(request, "accounts/partials/unit_options.html", {"unit_options": options, "searching": bool(text)})


@login_required
@require_GET
def pick_producers(request):
    _require_manage(request)
    text = request.GET.get("producer_q", "").strip()
    producers = list(queries.linkable_producers(request.user, text)[: queries.PICK_LIMIT])
    return render(
        request, "accounts/partials/producer_options.html", {"producer_options": producers, "searching": bool(text)}
    )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link: Django's token (signed over the password hash, so it works once, and for
    PASSWORD_RESET_TIMEOUT). A deactivated account's link does not open."""

    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_set(user=form.user)
        messages.success(
            self.request, _("Đã đặt mật khẩu. Hãy đăng nhập bằng tên đăng nhập %(u)s.") % {"u": form.user.username}
        )
        return response


def password_reset(request):
    """Forgotten password. The answer is the same whether or not the address belongs to an account."""
    from notifications.services import email_configured

    configured = email_configured()
    form = EmailForm(request.POST or None) if configured else None
    if form is not None and request.method == "POST" and form.is_valid():
        # at most RESET_LIMIT mails an hour to one address from one client, so the form cannot flood a mailbox
        email = form.cleaned_data["email"].lower()
        key = "accounts.reset:" + hashlib.sha256(f"{client_ip(request)}|{email}".encode()).hexdigest()
        count = cache.get_or_set(key, 0, 3600)
        if count < RESET_LIMIT:
            cache.set(key, count + 1, 3600)
            services.request_password_reset(email=form.cleaned_data["email"], base_url=_base_url(request))
        return redirect("accounts:password_reset_sent")
    return render(
        request,
        "accounts/password_reset.html",
        {"form": form, "configured": configured},
        status=400 if form is not None and form.is_bound else 200,
    )


def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")
