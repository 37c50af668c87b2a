from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100)
    days_valid = forms.IntegerField(
        label=_("Thời hạn (ngày)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Để trống nếu không hết hạn."),
    )


class LoginForm(AuthenticationForm):
    # Django's Vietnamese catalog leaves these in English.
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khoá."),
    }


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    area = forms.CharField(
        label=_("Mã địa bàn"), max_length=20, help_text=_("Dạng <scheme>:<mã>, ví dụ 2025:03328 (Xã Thanh Nưa).")
    )
