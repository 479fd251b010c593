"""Demo organization owned by organizer@tessera.test."""

from project.accounts.demo import demo_user

from .models import Organization
from .services import membership_add, organization_create


def seed(*, out) -> None:
    organizer = demo_user("organizer@tessera.test")
    if not Organization.objects.filter(slug="saigon-sports-club").exists():
        organization_create(
            owner=organizer,
            name="Saigon Sports Club",
            slug="saigon-sports-club",
            city="Ho Chi Minh City",
            bio="Running, football and esports events in Saigon since 2019.",
            social_link="https://example.com/saigon-sports-club",
            verified=True,
        )
    organization = Organization.objects.get(slug="saigon-sports-club")
    membership_add(organization=organization, user=organizer, role="owner")
    out.write("organizations: Saigon Sports Club")
