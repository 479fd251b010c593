"""Organization scoping: another organization's pages and objects are 404s."""

import pytest
from django.http import Http404
from django.urls import reverse

from project.accounts.tests.factories import UserFactory
from project.organizations.models import Membership
from project.organizations.scoping import get_for_organization_or_404
from project.organizations.services import membership_add

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs():
    owner_a, owner_b = UserFactory(), UserFactory()
    return OrganizationFactory(owner=owner_a), OrganizationFactory(owner=owner_b), owner_a, owner_b


@pytest.mark.parametrize("url_name", ["organizations:dashboard", "organizations:settings"])
def test_member_pages_are_404_for_another_organizer(client, two_orgs, url_name):
    org_a, org_b, owner_a, _ = two_orgs
    client.force_login(owner_a)
    assert client.get(reverse(url_name, args=[org_a.slug])).status_code == 200
    assert client.get(reverse(url_name, args=[org_b.slug])).status_code == 404
    # A slug that does not exist answers the same, so nothing can be probed.
    assert client.get(reverse(url_name, args=["no-such-club"])).status_code == 404


def test_anonymous_is_sent_to_login(client, two_orgs):
    org_a, *_ = two_orgs
    response = client.get(reverse("organizations:dashboard", args=[org_a.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_settings_are_for_owners_only(client, two_orgs):
    org_a, *_ = two_orgs
    staff = UserFactory()
    membership_add(organization=org_a, user=staff, role=Membership.Role.STAFF)
    client.force_login(staff)
    assert client.get(reverse("organizations:dashboard", args=[org_a.slug])).status_code == 200
    assert client.get(reverse("organizations:settings", args=[org_a.slug])).status_code == 404
    response = client.post(
        reverse("organizations:settings", args=[org_a.slug]), {"name": "Hijacked"}
    )
    assert response.status_code == 404
    org_a.refresh_from_db()
    assert org_a.name != "Hijacked"


def test_owner_edits_settings(client, two_orgs):
    org_a, _, owner_a, _ = two_orgs
    client.force_login(owner_a)
    response = client.post(
        reverse("organizations:settings", args=[org_a.slug]),
        {"name": "Hanoi Runners", "city": "Hanoi", "bio": "", "social_link": "example.com/hr"},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.name, org_a.social_link) == ("Hanoi Runners", "https://example.com/hr")


def test_object_helper_refuses_another_organizations_object(two_orgs):
    org_a, org_b, *_ = two_orgs
    memberships = Membership.objects.all()
    own = Membership.objects.get(organization=org_a)
    foreign = Membership.objects.get(organization=org_b)
    assert get_for_organization_or_404(memberships, organization=org_a, pk=own.pk) == own
    with pytest.raises(Http404):
        get_for_organization_or_404(memberships, organization=org_a, pk=foreign.pk)


def test_membership_grants_the_organizer_role(two_orgs):
    _, _, owner_a, _ = two_orgs
    assert owner_a.groups.filter(name="organizer").exists()
