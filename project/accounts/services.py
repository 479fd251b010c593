"""Writes on profiles and addresses."""

from django.db import transaction

from .addresses import ADDRESS_FIELDS, address_values
from .models import Address


@transaction.atomic
def address_save(*, user, form) -> Address:
    """Save an address form for `user`; making it the default clears the previous one.

    Locks the user's address rows so two concurrent "make default" requests cannot both win.
    """
    address = form.save(commit=False)
    address.user = user
    list(Address.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
    if address.is_default:
        Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(
            is_default=False
        )
    elif not Address.objects.filter(user=user).exclude(pk=address.pk).exists():
        address.is_default = True  # the first address is the default one
    address.save()
    return address


def address_delete(*, user, address_id: int) -> None:
    Address.objects.filter(user=user, pk=address_id).delete()


@transaction.atomic
def address_remember(*, user, address: dict) -> Address:
    """Keep an address typed at checkout in the user's profile, unless the same one is
    there already; the first address becomes the default one.

    Locks the user's address rows, as `address_save` does."""
    values = address_values(address)
    values["country"] = values["country"].upper()
    for name in ADDRESS_FIELDS:
        values[name] = values[name][: Address._meta.get_field(name).max_length]
    existing = list(Address.objects.select_for_update().filter(user=user))
    for known in existing:
        if address_values(known) == values:
            return known
    return Address.objects.create(user=user, is_default=not existing, **values)
