"""The sign-in form, with an error that says what to do, in Chinese."""

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "請輸入正確的帳號與密碼（大小寫有別）。連續錯誤 5 次，帳號將鎖定 15 分鐘。",
        "inactive": "此帳號已停用，請洽系統管理者。",
        "address_throttled": "此網路位址近 15 分鐘內登入失敗次數過多，暫停登入；請稍後再試，或洽系統管理者。",
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

    def clean(self):
        if self.request is not None and address_throttled(self.request):
            raise ValidationError(self.error_messages["address_throttled"], code="address_throttled")
        return super().clean()


def address_throttled(request) -> bool:
    """Sign-in from this address is paused: SIGN_IN_ADDRESS_FAILURE_LIMIT failures from it (any accounts) within
    django-axes' cool-off time. The per-account lockout (5) comes first; this catches one address guessing many
    accounts, at a threshold a police station's shared NAT address does not reach by honest typing."""
    address = get_client_ip_address(request)
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since)
    return failures.count() >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
