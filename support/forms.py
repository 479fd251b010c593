"""Forms of the support pages."""

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from shop.models import Order

from .selectors import staff_for_handoff


class RoomOpenForm(forms.Form):
    subject = forms.CharField(
        max_length=200,
        required=False,
        label=_("What is it about?"),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Delivery of my order")}),
    )
    order = forms.ModelChoiceField(
        queryset=Order.objects.none(),
        required=False,
        label=_("About an order (optional)"),
        empty_label=_("No order"),
        to_field_name="number",
        error_messages={"invalid_choice": _("Choose one of your own orders.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the person's own orders can be chosen: another order number is invalid.
        self.fields["order"].queryset = Order.objects.filter(user=user).order_by("-created")
        self.fields["order"].label_from_instance = lambda order: " · ".join(
            (order.number, order.get_status_display(), date_format(localtime(order.created)))
        )


class HandOffForm(forms.Form):
    to_staff = forms.ModelChoiceField(
        queryset=None,
        label=_("Hand over to"),
        empty_label=_("Choose a staff member"),
        error_messages={
            "required": _("Choose a staff member."),
            "invalid_choice": _("Choose one of the staff members in the list."),
        },
    )

    def __init__(self, *args, room, **kwargs):
        super().__init__(*args, **kwargs)
        choices = staff_for_handoff().exclude(pk=room.customer_id)
        if room.assigned_staff_id:
            choices = choices.exclude(pk=room.assigned_staff_id)
        self.fields["to_staff"].queryset = choices
        self.fields["to_staff"].label_from_instance = lambda user: (
            f"{user.display_name} ({user.email})"
        )
