"""The error shape in the OpenAPI schema: every operation documents the answers that are
not a success (`api.exceptions`), so clients and the fuzzer can check them too."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "Every answer that is not a success.",
    "properties": {
        "code": {"type": "string", "example": "not_found"},
        "message": {"type": "string", "example": "Not found."},
        "fields": {
            "type": "object",
            "description": "Validation errors by field (present for `invalid` only).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message"],
}

ANSWERS = {
    "400": "Invalid values: `fields` says which.",
    "401": "No token, or an unknown, expired or revoked one.",
    "403": "The token's scopes or the user's roles do not allow this.",
    "404": "No such object, or not yours (another user's or organization's).",
    "429": "Too many requests for this token: see `Retry-After`.",
}
WRITE_ANSWERS = {
    "409": "Refused as it stands (a transition, a refund, a key still running).",
    "422": "This Idempotency-Key was used for another request.",
}


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: adds `Error` and the error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            answers = dict(ANSWERS)
            if method not in {"get", "head", "options"}:
                answers.update(WRITE_ANSWERS)
            responses = operation.setdefault("responses", {})
            for code, description in answers.items():
                responses.setdefault(code, {"description": description, "content": body})
    return result
