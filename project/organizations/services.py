"""Writes on organizations and memberships."""

from django.db import transaction
from django.utils.text import slugify

from project.accounts.roles import Role, role_grant

from .models import Membership, Organization


@transaction.atomic
def organization_create(*, owner, name: str, slug: str = "", **fields) -> Organization:
    base = slugify(slug or name)[:70] or "org"
    candidate, n = base, 1
    while Organization.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    organization = Organization.objects.create(name=name, slug=candidate, **fields)
    membership_add(organization=organization, user=owner, role=Membership.Role.OWNER)
    return organization


def membership_add(*, organization, user, role=Membership.Role.STAFF) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    role_grant(user=user, role=Role.ORGANIZER)
    return membership
