from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from project.accounts.tokens import ws_token_for


class Command(BaseCommand):
    help = "Print the WebSocket token of a user (the same one the profile page shows)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        self.stdout.write(ws_token_for(user))
