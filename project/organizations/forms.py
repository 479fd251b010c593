from django import forms
from django.utils.translation import gettext_lazy as _

from project.core.timezones import time_zone_choices

from .models import Organization


class OrganizationForm(forms.ModelForm):
    social_link = forms.URLField(required=False, assume_scheme="https")
    time_zone = forms.ChoiceField(
        required=False,  # left out: unchanged
        choices=time_zone_choices,
        help_text=_("New events start in this zone; each event can have its own."),
    )

    class Meta:
        model = Organization
        fields = ["name", "bio", "city", "social_link", "time_zone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or self.instance.time_zone
