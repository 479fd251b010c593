"""Managers read the audit log in the admin: holders of the manager role become admin staff."""

from django.db import migrations


def managers_are_staff(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(groups__name="manager", is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_ws_token_expires"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(managers_are_staff, migrations.RunPython.noop)]
