from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
