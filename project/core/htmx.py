"""HTMX responses shared by every app."""

import json

from django.http import HttpResponse
from django.template.loader import render_to_string


class ToastMessage:
    """Quacks like a Django message for components/toast.html."""

    def __init__(self, text: str, tags: str = "error"):
        self.text, self.tags = text, tags

    def __str__(self):
        return self.text


def htmx_error_toast(request, text: str, status: int = 400) -> HttpResponse:
    """An error answer to an HTMX request. htmx does not swap 4xx bodies, so the toast
    travels in the `toast` event, which base.html appends to #toasts."""
    html = render_to_string(
        "components/toast.html", {"message": ToastMessage(text, "error")}, request=request
    )
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["HX-Trigger"] = json.dumps({"toast": {"html": html}})
    return response
