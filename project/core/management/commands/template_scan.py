"""`manage.py template_scan [template ...]`: user-visible text outside translation tags.

Without arguments it scans every template not listed in locale/untranslated_templates.txt
(as the test does); with paths, those templates, listed or not."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from project.core.catalogs import untranslated_templates
from project.core.template_scan import project_templates, template_problems


class Command(BaseCommand):
    help = "List user-visible template text that is outside translation tags."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="templates to scan (default: all not listed)")

    def handle(self, *args, paths, **options):
        root = Path(settings.BASE_DIR)
        if paths:
            templates = [Path(path).resolve() for path in paths]
        else:
            listed = set(untranslated_templates(root))
            templates = [
                path
                for path in project_templates(root)
                if str(path.relative_to(root)) not in listed
            ]
        count = 0
        for path in templates:
            for problem in template_problems(path):
                count += 1
                self.stdout.write(f"{path.relative_to(root)} {problem}")
        if count:
            raise CommandError(f"{count} untranslated text(s); see README, 'Adding a string'.")
        self.stdout.write(f"{len(templates)} templates, no untranslated text.")
