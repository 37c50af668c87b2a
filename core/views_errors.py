"""Error pages. A refusal answered to an htmx request is a small alert fragment swapped where the person is looking
(base.html's htmx config swaps 4xx answers), never a whole page inside a table cell, nor nothing at all."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _


def _answer(request, status: int, page: str, title: str, message: str):
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "error_fragment.html", {"title": title, "message": message}, status=status)
    return render(request, page, {"message": message}, status=status)


def bad_request(request, exception=None):
    limit = getattr(settings, "UPLOAD_MAX_BYTES", None)
    size = _(" Tệp gửi lên tối đa %(mb)s MB.") % {"mb": limit // (1024 * 1024)} if limit else ""
    return _answer(
        request,
        400,
        "400.html",
        _("Yêu cầu không hợp lệ."),
        _("Máy chủ không đọc được yêu cầu, hoặc dữ liệu gửi lên quá lớn.") + size,
    )


def forbidden(request, exception=None):
    return _answer(
        request,
        403,
        "403.html",
        _("Không có quyền truy cập."),
        _("Tài khoản của bạn không được phép thực hiện thao tác này."),
    )


def not_found(request, exception=None):
    return _answer(
        request,
        404,
        "404.html",
        _("Không tìm thấy."),
        _("Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc nằm ngoài địa bàn bạn được giao."),
    )


def server_error(request):
    # No context processors that could fail again; the template is plain.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
