# A location's country was typed as a name ("Vietnam"); it becomes an ISO code.

import django_countries.fields
from django.db import migrations
from django_countries import countries


def names_to_codes(apps, schema_editor):
    """ "Vietnam", "viet nam" or "vn" become "VN"; a name no country has becomes VN, the
    default (the list of such rows is small: every event so far is in Vietnam)."""
    location = apps.get_model("events", "EventLocation")
    known = {name.casefold(): code for code, name in countries}
    known.update({"vietnam": "VN", "viet nam": "VN", "việt nam": "VN"})
    for pk, value in location.objects.values_list("pk", "country").iterator():
        text = str(value or "").strip()
        code = text.upper() if len(text) == 2 and text.upper() in countries else None
        code = code or known.get(text.casefold()) or countries.by_name(text) or "VN"
        if code != value:
            location.objects.filter(pk=pk).update(country=code)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_ticket_caps_per_customer'),
    ]

    operations = [
        migrations.RunPython(names_to_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='eventlocation',
            name='country',
            field=django_countries.fields.CountryField(default='VN', max_length=2),
        ),
    ]
