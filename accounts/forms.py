from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import BootstrapMixin


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


class UnitChoiceField(forms.ModelChoiceField):
    """An area picked from the units the officer may assign (accounts.queries.assignable_units). The page renders the
    options itself (a capped list, narrowed by an accent-insensitive search); the field checks the choice is in
    scope."""

    def label_from_instance(self, obj):
        from accounts.queries import unit_label

        return unit_label(obj)


def _unit_field(actor, required=True):
    from accounts.queries import MANAGE
    from areas.choices import Level, Scheme
    from areas.models import AdministrativeUnit

    queryset = AdministrativeUnit.objects.for_user(actor, MANAGE).filter(
        scheme=Scheme.S2025, level__in=[Level.PROVINCE, Level.COMMUNE]
    )
    return UnitChoiceField(
        label=_("Địa bàn"),
        queryset=queryset,
        required=required,
        error_messages={
            "required": _("Hãy chọn địa bàn."),
            "invalid_choice": _("Địa bàn này nằm ngoài phạm vi bạn được giao."),
        },
    )


class RoleAreaMixin:
    """Role (only those the officer may give) and area (units in their scope)."""

    def add_role_area(self, actor):
        from accounts.queries import grantable_roles

        roles = grantable_roles(actor)
        self.fields["role"] = forms.ChoiceField(
            label=_("Vai trò"),
            choices=[("", _("— Chọn vai trò —")), *roles],
            error_messages={
                "required": _("Hãy chọn vai trò."),
                "invalid_choice": _("Bạn không giao được vai trò này."),
            },
        )
        nationwide = any(value == Role.SYSTEM_ADMIN for value, _label in roles)
        self.fields["area"] = _unit_field(actor, required=not nationwide)
        if nationwide:
            self.fields["area"].help_text = _("Để trống chỉ khi giao vai trò quản trị hệ thống (toàn quốc).")


class AccountForm(RoleAreaMixin, BootstrapMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, error_messages={"required": _("Chưa nhập họ và tên.")}
    )
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Không dấu, không dấu cách, ví dụ: lo.van.thuong"),
        error_messages={"required": _("Chưa nhập tên đăng nhập.")},
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        help_text=_("Để gửi liên kết đặt mật khẩu và thông báo."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_role_area(actor)
        self.fields["email"].widget.input_type = "email"
        self.fields["phone"].widget.input_type = "tel"
        for name in ("role", "area"):
            self.fields[name].widget.attrs["class"] = "form-select"


class PersonForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, error_messages={"required": _("Chưa nhập họ và tên.")}
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    # The version the form was read at (core.concurrency): a save over someone else's later save is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoleForm(RoleAreaMixin, BootstrapMixin, forms.Form):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_role_area(actor)
        for name in ("role", "area"):
            self.fields[name].widget.attrs["class"] = "form-select"


class ProducerLinkForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.queries import linkable_producers

        self.fields["producer"] = forms.ModelChoiceField(
            label=_("Chủ thể"),
            queryset=linkable_producers(actor),
            error_messages={
                "required": _("Hãy chọn chủ thể."),
                "invalid_choice": _("Chủ thể này nằm ngoài địa bàn của bạn."),
            },
        )
        self.fields["producer"].widget.attrs["class"] = "form-select"


class EmailForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(
        label=_("Thư điện tử của tài khoản"),
        max_length=254,
        error_messages={
            "required": _("Hãy nhập địa chỉ thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        },
    )


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    """Django's form with Vietnamese labels and messages (Django's catalog leaves some in English)."""

    error_messages = {"password_mismatch": _("Hai lần nhập mật khẩu không khớp nhau.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password2"].help_text = _("Nhập lại đúng mật khẩu trên để kiểm tra.")
        for field in self.fields.values():
            field.error_messages["required"] = _("Hãy nhập mật khẩu.")
