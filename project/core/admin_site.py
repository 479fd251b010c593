"""Tessera's admin site: Django's, plus an audit entry whenever someone opens a page of
customer data (a list or a record). Changes made in the admin are recorded from the admin's
own LogEntry rows (see `project.core.audit.audit_admin_log_entry`)."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote

# Models whose admin pages show a person's data: opening them is recorded.
CUSTOMER_DATA_MODELS = {
    "accounts.user",
    "accounts.address",
    "account.emailaddress",
    "socialaccount.socialaccount",
    "mfa.authenticator",
    "shop.cart",
    "shop.order",
    "shop.orderline",
    "shop.payment",
    "shop.refund",
    "support.room",
    "support.message",
    "events.attendee",
}
_AUDITED_VIEWS = {"changelist_view": "admin.list", "change_view": "admin.view"}


class TesseraAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        action = _AUDITED_VIEWS.get(getattr(view, "__name__", ""))
        if (
            action is None
            or not isinstance(model_admin, admin.ModelAdmin)
            or model_admin.opts.label_lower not in CUSTOMER_DATA_MODELS
        ):
            return wrapped

        @wraps(wrapped)
        def audited(request, *args, **kwargs):
            response = wrapped(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200:
                from .audit import audit_admin_view

                object_id = kwargs.get("object_id")
                audit_admin_view(
                    actor=request.user,
                    action=action,
                    model=model_admin.model,
                    object_id=unquote(object_id) if object_id else "",
                    query=request.GET.get("q", ""),
                )
            return response

        return audited
