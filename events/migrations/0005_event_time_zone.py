"""Each event gets a time zone: its organization's."""

import project.core.timezones
from django.db import migrations, models


def zone_from_organization(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Organization = apps.get_model("organizations", "Organization")
    for organization in Organization.objects.only("pk", "time_zone"):
        Event.objects.filter(organization=organization).update(time_zone=organization.time_zone)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_eventlocation_city_search'),
        ('organizations', '0002_organization_time_zone'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='time_zone',
            field=models.CharField(default=project.core.timezones.site_time_zone, max_length=64, validators=[project.core.timezones.time_zone_validate]),
        ),
        migrations.RunPython(zone_from_organization, migrations.RunPython.noop),
    ]
