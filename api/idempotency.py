"""`Idempotency-Key` on the POSTs that create orders or move money.

The first request with a key stores its answer; a retry with the same key and the same
method, path and body gets that answer again (with `Idempotent-Replayed: true`) and runs
nothing; the same key with another body is a 422. While the first is still running a retry
gets a 409. Failures that changed nothing (an exception, a 5xx) free the key, so the retry
runs again. Keys are per user.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response

from project.core.errors import AppError

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 255

HEADER_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=_(
        "Any unique string (a UUID): a retry with the same key and body gets the first "
        "answer again instead of doing it twice."
    ),
)


class IdempotencyKeyReused(AppError):
    code = "idempotency_key_reused"


def _request_hash(request) -> str:
    shown = json.dumps(
        [request.method, request.path, request.data], sort_keys=True, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(shown.encode()).hexdigest()


def idempotent(post):
    """Decorator for a view's `post`: honours the `Idempotency-Key` header (see module)."""

    @wraps(post)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return post(self, request, *args, **kwargs)
        if len(key) > MAX_LENGTH:
            raise exceptions.ValidationError(
                {HEADER: [_("At most %(count)s characters.") % {"count": MAX_LENGTH}]}
            )
        digest = _request_hash(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=request.user, key=key, request_hash=digest
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=request.user, key=key)
            if record.request_hash != digest:
                raise IdempotencyKeyReused(
                    _("This Idempotency-Key was used for another request."), status=422
                ) from None
            if record.status is None:
                raise IdempotencyKeyReused(
                    _("A request with this Idempotency-Key is still running."), status=409
                ) from None
            return Response(
                record.body, status=record.status, headers={"Idempotent-Replayed": "true"}
            )
        try:
            response = post(self, request, *args, **kwargs)
        except Exception:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        record.status = response.status_code
        record.body = response.data
        record.save(update_fields=["status", "body"])
        return response

    return wrapper
