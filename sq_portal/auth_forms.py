"""The sign-in form, with an error that says what to do, in Chinese."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "請輸入正確的帳號與密碼（大小寫有別）。連續錯誤 5 次，帳號將鎖定 15 分鐘。",
        "inactive": "此帳號已停用，請洽系統管理者。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No autofocus: the page starts at the top, so the first Tab reaches 「跳到主要內容」 as on every page.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        # Django sets the username's max_length after the field is built, so no validator enforces it; an
        # over-long name would reach authenticate() and django-axes' 255-character log column.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        self.fields["password"].validators.append(MaxLengthValidator(4096))
