from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "project.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from . import language  # noqa: F401 - the sign-in language receiver
        from .audit import audit_admin_log_entry

        # The admin writes a LogEntry for every change it makes; the audit log keeps one
        # too, so admin changes and service actions are read in one place.
        post_save.connect(audit_admin_log_entry, sender=LogEntry, dispatch_uid="core.audit")


class TesseraAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "project.core.admin_site.TesseraAdminSite"
