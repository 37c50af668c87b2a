from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certification.queries import recognition_on, state_on
from core import audit
from core.errors import DomainError
from core.forms import add_domain_error
from core.htmx import page_or_partial
from core.scoping import get_in_scope_or_404
from core.text import is_id
from products import services
from products.exports import register_workbook
from products.forms import CurrentLocationForm, ProductForm
from products.queries import PageFirstPaginator, ProductFilter, products_for, register_rows


@login_required
def product_list(request):
    filters = ProductFilter(request.GET)
    products = filters.apply(products_for(request.user))
    page = PageFirstPaginator(products, 50, rows=filters.rows).get_page(request.GET.get("page"))
    rows = register_rows(page.object_list, filters.day)
    return page_or_partial(
        request,
        "products/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "day": filters.day,
            "export_query": request.GET.urlencode(),
        },
        "results",
    )


@login_required
def product_export(request):
    filters = ProductFilter(request.GET)
    if not filters.is_valid():
        messages.error(
            request,
            _("Bộ lọc không hợp lệ: %(e)s")
            % {"e": "; ".join(f"{filters.fields[f].label}: {' '.join(e)}" for f, e in filters.errors.items())},
        )
        return redirect(f"{request.path.rsplit('/', 1)[0]}/?{request.GET.urlencode()}")
    rows = register_rows(filters.rows(filters.apply(products_for(request.user))), filters.day)
    content = register_workbook(rows, title=_("Sổ sản phẩm OCOP"), day=filters.day)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="so-san-pham-ocop-{filters.day:%Y%m%d}.xlsx"'
    return response


@login_required
def product_detail(request, pk: int):
    product = get_in_scope_or_404(
        products_for(request.user).select_related(
            "producer", "group", "subgroup", "location", "location__parent", "current_location"
        ),
        pk=pk,
    )
    from django.utils import timezone

    today = timezone.localdate()
    certificates = list(product.certificates.select_related("decision", "revocation").order_by("-valid_from", "-id"))
    recognition = recognition_on(product, today, certificates=certificates)
    holding = recognition.holding
    split = product.location.successions.count() > 1
    from products import workflow
    from products.workflow_views import OpenDossierForm

    dossiers = list(workflow.dossiers_for(request.user).filter(product=product).order_by("-created_at", "-pk"))
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "photos": list(product.photos.order_by("uploaded_at", "pk")),
            "dossiers": dossiers,
            "open_dossier_form": OpenDossierForm() if workflow.may_open_dossier(request.user, product) else None,
            "holding": holding,
            "recognition": recognition,
            "today": today,
            "split": split,
            "certificates": [(c, state_on(c, today)) for c in certificates],
            "location_form": CurrentLocationForm(product=product) if split else None,
            "history": audit.history(product, request.user)[:50],
        },
    )


@login_required
def product_location(request, pk: int):
    """The officer's choice of the current commune for a product registered in a commune that was later split."""
    if request.method != "POST" or not request.user.has_perm("products.change"):
        raise PermissionDenied
    product = get_in_scope_or_404(products_for(request.user, "products.change").select_related("location"), pk=pk)
    form = CurrentLocationForm(request.POST, product=product)
    if form.is_valid():
        try:
            services.update_product(
                actor=request.user, product=product, current_location=form.cleaned_data["current_location"]
            )
            messages.success(request, _("Đã ghi xã hiện nay của sản phẩm."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Xã được chọn không kế thừa xã nơi đăng ký."))
    return redirect(product)


def _edit(request, product=None):
    """The product form, new or existing: the service decides, its refusal is shown on the field it names."""
    initial = {}
    if product is None and is_id(request.GET.get("producer", "")):
        initial["producer"] = int(request.GET["producer"])  # "Thêm sản phẩm" from a producer's page
    form = ProductForm(request.POST or None, instance=product, initial=initial, user=request.user)
    # The version the form was first read at travels with it (re-shown forms keep it), so a save over someone
    # else's later change is refused instead of silently overwriting it.
    version = (request.POST.get("version") if request.method == "POST" else None) or (product and product.version)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.create_product(actor=request.user, **form.service_values())
                messages.success(request, _("Đã thêm sản phẩm."))
            else:
                services.update_product(
                    actor=request.user, product=product, expected_version=version, **form.service_values()
                )
                messages.success(request, _("Đã lưu."))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(product)
    return render(request, "products/form.html", {"form": form, "product": product, "version": version})


@login_required
def product_create(request):
    if not request.user.has_perm("products.change"):
        raise PermissionDenied
    return _edit(request)


@login_required
def product_edit(request, pk: int):
    if not request.user.has_perm("products.change"):
        raise PermissionDenied
    product = get_in_scope_or_404(
        products_for(request.user, "products.change").select_related("producer__location", "location__parent__parent"),
        pk=pk,
    )
    return _edit(request, product)


@login_required
def photo_upload(request, pk: int):
    if request.method != "POST" or not request.user.has_perm("products.change"):
        raise PermissionDenied
    product = get_in_scope_or_404(products_for(request.user, "products.change").select_related("location"), pk=pk)
    try:
        services.add_photo(
            actor=request.user,
            product=product,
            uploaded=request.FILES.get("image"),
            caption=request.POST.get("caption", ""),
        )
        messages.success(request, _("Đã thêm ảnh."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(product)


@login_required
def photo_file(request, pk: int, photo_id: int):
    """Photos are served only to readers who may see the product (public catalog pages come later)."""
    from django.http import FileResponse

    product = get_in_scope_or_404(products_for(request.user), pk=pk)
    photo = get_in_scope_or_404(product.photos.all(), pk=photo_id)
    content_type = "image/png" if photo.image.name.endswith(".png") else "image/jpeg"
    return FileResponse(photo.image.open("rb"), content_type=content_type)
