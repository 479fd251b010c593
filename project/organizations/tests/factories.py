import factory

from project.accounts.tests.factories import UserFactory
from project.organizations.models import Organization
from project.organizations.services import membership_add


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Club {n}")
    slug = factory.Sequence(lambda n: f"club-{n}")
    city = "Hanoi"

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            membership_add(organization=self, user=extracted or UserFactory(), role="owner")
