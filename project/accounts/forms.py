from django import forms

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

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError("Use the two-letter country code, e.g. VN or US.")
        return country
