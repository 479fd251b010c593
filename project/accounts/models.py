"""The user (e-mail login) with the back-office permissions, saved shipping addresses."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from .addresses import address_lines


def _new_token_salt() -> str:
    return secrets.token_hex(16)


def _new_token_expiry():
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.now() + timedelta(days=settings.WS_TOKEN_MAX_AGE_DAYS)).replace(microsecond=0)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    # The language the user reads (pages after sign-in, e-mails); "" until they pick one or
    # sign in (project/core/language.py).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    # The WebSocket token is derived from this salt and SECRET_KEY; regenerating the salt
    # invalidates every token issued before.
    ws_token_salt = models.CharField(max_length=32, default=_new_token_salt, editable=False)
    # When the current token stops working (see project/accounts/tokens.py).
    ws_token_expires = models.DateTimeField(null=True, default=_new_token_expiry, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        # What the site's staff, manager and booster pages check (`roles.Perm`, through
        # `project.accounts.access`); role groups carry them. None opens the Django admin.
        permissions = [
            ("catalog_change", "Edit products, categories and stock on the staff pages"),
            ("orders_view", "See every order, its invoice and credit notes, follow it live"),
            ("orders_change", "Change an order's status, refund it, retry a refund"),
            ("support_answer", "Take and answer support conversations from the queue"),
            ("support_supervise", "Hand support conversations over and watch any of them"),
            ("dashboard_staff", "Open the staff dashboard"),
            ("dashboard_manager", "Open the manager dashboard"),
            ("dashboard_booster", "Open the booster dashboard"),
        ]

    def __str__(self):
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.display_name


class Address(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=50, blank=True, help_text=_("e.g. Home, Office"))
    recipient = models.CharField(max_length=150)
    phone = PhoneNumberField(_("phone"), blank=True)
    line1 = models.CharField(_("address line 1"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20, blank=True)
    country = CountryField(_("country"), default="VN")
    is_default = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_user",
            )
        ]
        verbose_name_plural = _("addresses")

    def __str__(self):
        return f"{self.recipient}, {self.line1}, {self.city}"

    def as_lines(self) -> list[str]:
        return address_lines(self, phone=False)
