"""`manage.py messages_update` (`make messages`): extract every marked string into the vi/ru
catalogs with Django's makemessages (needs GNU gettext: apt-get install gettext), then
compile them. New strings arrive with an empty translation for you to fill in."""

import re
import shutil

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from project.core.catalogs import catalog_files, compile_all, makemessages_args

# makemessages stamps every catalog with the time it ran: without the stamp a catalog whose
# strings did not change stays byte for byte the same, so people translating different
# apps do not conflict on the header of every catalog.
STAMP = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.M)


class Command(BaseCommand):
    help = "Update the vi/ru catalogs from the code (makemessages) and compile them."

    def handle(self, *args, **options):
        if not shutil.which("xgettext") or not shutil.which("msgmerge"):
            raise CommandError("makemessages needs GNU gettext: apt-get install gettext")
        call_command("makemessages", *makemessages_args(), verbosity=options["verbosity"])
        for po in catalog_files():
            text = po.read_text(encoding="utf-8")
            if STAMP.search(text):
                po.write_text(STAMP.sub("", text), encoding="utf-8")
        compile_all()
