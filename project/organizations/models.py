from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from project.core.timezones import site_time_zone, time_zone_validate


class Organization(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    bio = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    social_link = models.URLField(blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=site_time_zone,
        validators=[time_zone_validate],
        help_text=_("Where the organization's events usually happen; each event can differ."),
    )
    verified = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:dashboard", kwargs={"org_slug": self.slug})


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} ({self.role})"
