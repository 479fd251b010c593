from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "project.organizations"
    label = "organizations"
    verbose_name = "Organizations"
