"""E-mail payloads are sealed at rest and blanked once sent: blank the bodies of e-mails
already delivered and seal the ones still waiting."""

from django.db import migrations


def seal_email_payloads(apps, schema_editor):
    from project.core.outbox import SEALED, payload_seal

    OutboxMessage = apps.get_model("core", "OutboxMessage")
    OutboxMessage.objects.filter(kind="email", status="sent").update(payload={})
    for message in OutboxMessage.objects.filter(kind="email").exclude(status="sent").iterator():
        if SEALED not in message.payload:
            message.payload = payload_seal(message.payload)
            message.save(update_fields=["payload"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_site_name")]

    operations = [migrations.RunPython(seal_email_payloads, migrations.RunPython.noop)]
