"""Load the demo data, idempotently.

Each app may provide a `demo` module with `seed(*, out)`; they run in INSTALLED_APPS order
so later apps can rely on the accounts and organizations made before them.
"""

from contextlib import nullcontext
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from project.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load Tessera's demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo-password",
            action="store_true",
            help="Create accounts with the public demo password even under production settings.",
        )

    def handle(self, *args, allow_demo_password=False, **options):
        if settings.TESSERA_ENV == "production" and not allow_demo_password:
            raise CommandError(
                "Refusing to create accounts with the public demo password under production "
                "settings. Pass --allow-demo-password if this really is a demo deployment."
            )
        quiet_mail = settings.EMAIL_BACKEND == "project.core.mail.ConsoleOutboxBackend"
        # Demo orders send their e-mails; keep them in the development outbox instead of
        # printing hundreds of lines before the account list.
        with (
            override_settings(EMAIL_BACKEND="project.core.mail.DevOutboxBackend")
            if quiet_mail
            else nullcontext(),
            transaction.atomic(),
        ):
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(out=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts:"))
        for email, roles in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {DEMO_PASSWORD:<14} {', '.join(roles)}")
