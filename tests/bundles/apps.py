from django.apps import AppConfig


class BundlesConfig(AppConfig):
    """A composite kind that exists only in the tests (project/settings/test.py)."""

    name = "tests.bundles"
    label = "bundles"
    verbose_name = "Test bundles"

    def ready(self):
        from shop.kinds import kind_register

        from .kinds import BundleKind

        kind_register(BundleKind())
