"""Demo accounts: one per role, e-mail verified, password `tessera-demo`."""

from allauth.account.models import EmailAddress

from .models import User
from .roles import Role, role_grant

DEMO_PASSWORD = "tessera-demo"  # noqa: S105 - public demo password, refused in production

DEMO_ACCOUNTS = [
    ("admin@tessera.test", [Role.ADMIN]),
    ("staff@tessera.test", [Role.STAFF]),
    ("manager@tessera.test", [Role.MANAGER, Role.STAFF]),
    ("booster@tessera.test", [Role.BOOSTER]),
    ("organizer@tessera.test", [Role.ORGANIZER]),
    ("customer@tessera.test", [Role.CUSTOMER]),
]


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def seed(*, out) -> None:
    for email, roles in DEMO_ACCOUNTS:
        name = email.split("@")[0].capitalize()
        user, created = User.objects.get_or_create(email=email, defaults={"name": f"Demo {name}"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if Role.ADMIN in roles and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        for role in roles:
            role_grant(user=user, role=role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    out.write(f"accounts: {len(DEMO_ACCOUNTS)} demo users")
