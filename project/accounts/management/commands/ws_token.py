from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from project.accounts.tokens import ws_token_for, ws_token_regenerate


class Command(BaseCommand):
    help = (
        "Print the WebSocket token of a user (the same one the profile page shows), issuing "
        "one when there is none or it expired. Its expiry goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--regenerate", action="store_true", help="Issue a new token; the old one stops."
        )

    def handle(self, *args, email, regenerate=False, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        token = ws_token_regenerate(user=user) if regenerate else ws_token_for(user)
        self.stdout.write(token)
        self.stderr.write(f"valid until {user.ws_token_expires.isoformat()}")
