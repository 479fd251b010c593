from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api import pages as api_pages
from project.core import views as core_views

# The admin logs in through allauth, so its login has the same rate limits and
# verification rules as the site's.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Tessera administration"
admin.site.site_title = "Tessera admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("captcha/", include("captcha.urls")),
    path("account/", include("project.accounts.urls")),
    path("org/<slug:org_slug>/events/", include("events.urls_organizer")),
    path("org/", include("project.organizations.urls")),
    path("events/", include("events.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("support/", include("support.urls")),
    path("", include("shop.urls")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", api_pages.api_tokens, name="api_tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke/",
        api_pages.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("", include("project.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
