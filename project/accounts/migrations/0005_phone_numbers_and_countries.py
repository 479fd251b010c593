# Phone numbers become django-phonenumber-field (E.164) and countries django-countries.

import django_countries.fields
import phonenumber_field.modelfields
import phonenumbers
from django.conf import settings
from django.db import migrations


def phones_to_e164(apps, schema_editor):
    """Numbers typed as "090 123 4567" or "+84 90 ..." are stored as +84901234567 (read as
    Vietnamese without a country code); what cannot be read as a number is kept as typed."""
    region = getattr(settings, "PHONENUMBER_DEFAULT_REGION", "VN")
    for model_name in ("User", "Address"):
        model = apps.get_model("accounts", model_name)
        rows = model.objects.exclude(phone="").values_list("pk", "phone")
        for pk, raw in rows.iterator():
            raw = str(raw)
            try:
                number = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(number):
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 != raw:
                model.objects.filter(pk=pk).update(phone=e164)


def countries_upper(apps, schema_editor):
    address = apps.get_model("accounts", "Address")
    for pk, code in address.objects.values_list("pk", "country").iterator():
        if str(code) != str(code).strip().upper():
            address.objects.filter(pk=pk).update(country=str(code).strip().upper())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_back_office_permissions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='address',
            name='country',
            field=django_countries.fields.CountryField(default='VN', max_length=2, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='address',
            name='phone',
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=phonenumber_field.modelfields.PhoneNumberField(blank=True, max_length=128, region=None, verbose_name='phone'),
        ),
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(countries_upper, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(countries_upper, migrations.RunPython.noop, elidable=True),
    ]
