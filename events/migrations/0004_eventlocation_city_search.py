"""The city filter's folded column, filled for the existing locations."""

import unicodedata

from django.db import migrations, models


def _key(city: str) -> str:
    # events.models.city_search_key as of this migration.
    extra = {"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"}
    city = (city or "").translate(str.maketrans(extra))
    bare = "".join(
        char for char in unicodedata.normalize("NFKD", city) if not unicodedata.combining(char)
    )
    return "".join(bare.casefold().split())[:100]


def fill_city_search(apps, schema_editor):
    EventLocation = apps.get_model("events", "EventLocation")
    for location in EventLocation.objects.only("pk", "city").iterator():
        EventLocation.objects.filter(pk=location.pk).update(city_search=_key(location.city))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0003_event_title_single_line'),
    ]

    operations = [
        migrations.AddField(
            model_name='eventlocation',
            name='city_search',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill_city_search, migrations.RunPython.noop),
    ]
