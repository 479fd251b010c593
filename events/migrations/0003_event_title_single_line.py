"""Titles saved before titles were kept to one line lose their CR/LF (a newline in a title
made every e-mail about the event fail with BadHeaderError)."""

from django.db import migrations
from django.db.models import Q


def titles_single_line(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(
        Q(title__contains="\n") | Q(title__contains="\r") | Q(title__contains="\t")
    ).only("pk", "title"):
        event.title = " ".join(event.title.split())
        event.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [("events", "0002_ticket_type_currency_one_per_deployment")]

    operations = [migrations.RunPython(titles_single_line, migrations.RunPython.noop)]
