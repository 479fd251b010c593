from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Address, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone"]


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "label",
            "recipient",
            "phone",
            "line1",
            "line2",
            "city",
            "postcode",
            "country",
            "is_default",
        ]


# --- bot protection on allauth's forms ------------------------------------------------------


class CaptchaWhenThrottledMixin:
    """Adds a CAPTCHA field once the client's address has tried `throttle_action` too
    often (see project.accounts.throttle); the field is checked before anything else."""

    throttle_action: str

    def _add_captcha_when_throttled(self, request) -> None:
        from captcha.fields import CaptchaField, CaptchaTextInput

        from .throttle import captcha_required

        if captcha_required(action=self.throttle_action, request=request):
            self.fields["captcha"] = CaptchaField(
                widget=CaptchaTextInput(attrs={"class": "input mt-2"}),
                label=_("Type the characters in the picture"),
                help_text=_(
                    "There were many attempts from your network, so we check that you are a person."
                ),
            )


class LoginForm(CaptchaWhenThrottledMixin, allauth_forms.LoginForm):
    throttle_action = "login"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_captcha_when_throttled(self.request)


class AttemptCountedMixin(CaptchaWhenThrottledMixin):
    """Sign-up and password reset: every submission counts as an attempt of its address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_captcha_when_throttled(allauth_context.request)

    def clean(self):
        from .throttle import attempt_record

        attempt_record(action=self.throttle_action, request=allauth_context.request)
        return super().clean()


class SignupForm(AttemptCountedMixin, allauth_forms.SignupForm):
    throttle_action = "signup"


class ResetPasswordForm(AttemptCountedMixin, allauth_forms.ResetPasswordForm):
    throttle_action = "reset"
