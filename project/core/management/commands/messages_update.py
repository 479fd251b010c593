"""`manage.py messages_update` (`make messages`): extract every marked string into the vi/ru
catalogs with Django's makemessages (needs GNU gettext: apt-get install gettext), then
compile them. New strings arrive with an empty translation for you to fill in."""

import shutil

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from project.core.catalogs import compile_all, makemessages_args


class Command(BaseCommand):
    help = "Update the vi/ru catalogs from the code (makemessages) and compile them."

    def handle(self, *args, **options):
        if not shutil.which("xgettext") or not shutil.which("msgmerge"):
            raise CommandError("makemessages needs GNU gettext: apt-get install gettext")
        call_command("makemessages", *makemessages_args(), verbosity=options["verbosity"])
        compile_all()
