import uuid

import factory

from project.accounts.tests.factories import UserFactory
from shop.models import Order
from support.models import Membership, Message, Room


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"room-{n}")
    customer = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Question {n}")

    @factory.post_generation
    def writer_membership(self, create, extracted, **kwargs):
        if create:
            Membership.objects.create(room=self, user=self.customer, mode=Membership.Mode.WRITER)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SelfAttribute("room.customer")
    text = factory.Sequence(lambda n: f"message {n}")


def order_for(user, **fields) -> Order:
    return Order.objects.create(
        number=fields.pop("number", f"T{uuid.uuid4().hex[:8].upper()}"),
        user=user,
        email=user.email,
        currency="VND",
        idempotency_key=uuid.uuid4().hex,
        **fields,
    )
