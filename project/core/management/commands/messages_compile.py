"""`manage.py messages_compile`: compile every vi/ru `.po` to its `.mo` with Babel (no GNU
gettext needed). `make messages` runs it after makemessages."""

from django.conf import settings
from django.core.management.base import BaseCommand

from project.core.catalogs import compile_all


class Command(BaseCommand):
    help = "Compile the translation catalogs (.po -> .mo) with Babel."

    def handle(self, *args, **options):
        for mo in compile_all():
            self.stdout.write(str(mo.relative_to(settings.BASE_DIR)))
