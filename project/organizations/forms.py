from django import forms

from .models import Organization


class OrganizationForm(forms.ModelForm):
    social_link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "bio", "city", "social_link"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
