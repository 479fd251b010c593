"""Forms of the checkout steps and of the staff order pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from phonenumber_field.formfields import PhoneNumberField

from project.accounts.addresses import ADDRESS_FIELDS, ADDRESS_REQUIRED, address_values
from shop.kinds import ATTENDEE_NAME_MAX_LENGTH
from shop.models import Order

NEW_ADDRESS = "new"


class AddToCartForm(forms.Form):
    kind = forms.CharField(max_length=30)
    ref = forms.CharField(max_length=64)
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1)


class DeliveryForm(forms.Form):
    """Step 2: pickup or delivery; delivery takes a saved address or a new one."""

    delivery_type = forms.ChoiceField(
        label="How do you want to get your order?",
        choices=[
            (Order.Delivery.DELIVERY, "Deliver to an address"),
            (Order.Delivery.PICKUP, "Pick up at the store"),
        ],
        widget=forms.RadioSelect,
        initial=Order.Delivery.DELIVERY,
    )
    address = forms.ChoiceField(label="Deliver to", required=False, widget=forms.RadioSelect)
    recipient = forms.CharField(max_length=150, required=False)
    phone = PhoneNumberField(required=False)
    line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    country = forms.ChoiceField(required=False, initial="VN")
    save_address = forms.BooleanField(
        label="Save this address to my profile", required=False, initial=True
    )

    def __init__(self, *args, addresses=(), **kwargs):
        from django_countries import countries

        super().__init__(*args, **kwargs)
        self.fields["country"].choices = list(countries)
        self.addresses = {str(address.pk): address for address in addresses}
        self.fields["address"].choices = [
            (pk, ", ".join(address.as_lines())) for pk, address in self.addresses.items()
        ] + [(NEW_ADDRESS, "A new address")]
        if not self.is_bound:
            default = next(iter(self.addresses), NEW_ADDRESS)
            self.fields["address"].initial = default

    def clean(self):
        data = super().clean()
        data["remember_address"] = False
        if data.get("delivery_type") != Order.Delivery.DELIVERY:
            data["shipping_address"] = {}
            return data
        choice = data.get("address") or NEW_ADDRESS
        if choice != NEW_ADDRESS:
            address = self.addresses.get(choice)
            if address is None:
                raise forms.ValidationError("Choose one of your saved addresses or a new one.")
            data["shipping_address"] = address_values(address)
            return data
        for name in ADDRESS_REQUIRED:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, "Needed for delivery.")
        data["shipping_address"] = address_values({name: data.get(name) for name in ADDRESS_FIELDS})
        data["remember_address"] = bool(data.get("save_address"))
        return data


class PaymentMethodForm(forms.Form):
    payment_method = forms.ChoiceField(label="Pay with", widget=forms.RadioSelect)

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = list(methods)
        if len(methods) == 1 and not self.is_bound and not self.initial.get("payment_method"):
            # Nothing to choose: the only method is preselected.
            self.initial["payment_method"] = methods[0][0]


class AttendeeNamesForm(forms.Form):
    """Optional: one name per unit of the lines whose kind asks for attendee names, labelled
    with the line's title. `cleaned_data["attendee_names"]` maps a cart line's pk to its
    names in place order ("" for a blank place, trailing blanks dropped)."""

    def __init__(self, *args, items=(), names=None, **kwargs):
        super().__init__(*args, **kwargs)
        names = names or {}
        self.places = []  # (item, [bound fields]) per line that asks
        for item in items:
            line = item.line
            given = names.get(str(line.pk)) or []
            fields = []
            for place in range(line.quantity):
                key = f"names-{line.pk}-{place}"
                self.fields[key] = forms.CharField(
                    label=f"{item.title} · place {place + 1}" if line.quantity > 1 else item.title,
                    max_length=ATTENDEE_NAME_MAX_LENGTH,
                    required=False,
                    initial=given[place] if place < len(given) else "",
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                )
                fields.append(key)
            self.places.append((item, fields))

    def line_fields(self):
        return [(item, [self[key] for key in keys]) for item, keys in self.places]

    def clean(self):
        data = super().clean()
        answers = {}
        for item, keys in self.places:
            names = [" ".join((data.get(key) or "").split()) for key in keys]
            while names and not names[-1]:
                names.pop()
            if names:
                answers[str(item.line.pk)] = names
        data["attendee_names"] = answers
        return data


class OrderStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    note = forms.CharField(
        max_length=255,
        required=False,
        label="Note to the customer",
        help_text="Shown on the customer's order page and in their e-mail.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        max_length=255,
        required=False,
        label="Internal note",
        help_text="Staff only: the customer never sees it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(targets)


class RefundForm(forms.Form):
    """Full refund, or quantities per line and/or an amount."""

    FULL, PARTIAL = "full", "partial"
    mode = forms.ChoiceField(
        choices=[(FULL, "Everything left"), (PARTIAL, "Some items or an amount")],
        widget=forms.RadioSelect,
        initial=FULL,
    )
    amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        max_digits=14,
        help_text="Leave empty to refund the chosen items' value.",
    )
    reason = forms.CharField(max_length=255)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_lines = list(order.lines.all()) if order is not None else []
        for line in self.order_lines:
            left = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.title,
                required=False,
                min_value=0,
                max_value=left,
                initial=0,
                disabled=left == 0,
            )

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.order_lines]

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.PARTIAL:
            quantities = {line.pk: data.get(f"line_{line.pk}") or 0 for line in self.order_lines}
            quantities = {pk: qty for pk, qty in quantities.items() if qty}
            if not quantities and not data.get("amount"):
                raise forms.ValidationError("Choose the items or enter the amount to refund.")
            data["lines"] = quantities or None
        else:
            data["lines"] = None
            data["amount"] = None
        return data
