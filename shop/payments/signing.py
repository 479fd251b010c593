"""VNPAY-style signatures: HMAC-SHA512 over the sorted, form-encoded parameters.

Shared by the VNPAY provider (prefix ``vnp_``) and the mock gateway (prefix ``mock_``),
so the sandbox exercises exactly the code a real gateway's callback goes through.
"""

import hashlib
import hmac
from urllib.parse import quote_plus


def signed_data(params: dict[str, str], *, prefix: str) -> str:
    """The string that is signed: every `<prefix>*` parameter except the hash fields,
    empty values dropped, sorted by name, `name=quote_plus(value)` joined with "&"."""
    skip = {f"{prefix}SecureHash", f"{prefix}SecureHashType"}
    items = sorted(
        (name, str(value))
        for name, value in params.items()
        if name.startswith(prefix) and name not in skip and value not in (None, "")
    )
    return "&".join(f"{name}={quote_plus(value, errors='surrogatepass')}" for name, value in items)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(
        secret.encode(), data.encode(errors="surrogatepass"), hashlib.sha512
    ).hexdigest()


def signature(params: dict[str, str], *, secret: str, prefix: str) -> str:
    return hmac_sha512(secret, signed_data(params, prefix=prefix))


def signature_valid(params: dict[str, str], *, secret: str, prefix: str) -> bool:
    given = params.get(f"{prefix}SecureHash") or ""
    if not secret or not given:
        return False
    expected = signature(params, secret=secret, prefix=prefix)
    return digest_equal(expected, str(given))


def digest_equal(expected: str, given: str) -> bool:
    """Constant-time, case-insensitive comparison of hex digests. Compares bytes:
    `compare_digest` refuses `str` with non-ASCII characters, and a forged hash may have
    any, even a lone surrogate, which strict UTF-8 cannot encode."""
    given_bytes = given.lower().encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected.lower().encode(), given_bytes)


def signed_query(params: dict[str, str], *, secret: str, prefix: str) -> str:
    """The query string a gateway expects: the signed data plus its hash."""
    data = signed_data(params, prefix=prefix)
    return f"{data}&{prefix}SecureHash={hmac_sha512(secret, data)}"
