"""Uploaded images, for every app: one set of rules (file size, sides, pixel count, formats)
and re-encoding, so that what is stored is pixels Pillow decoded and wrote again, never the
uploaded bytes (a PNG with a script or an archive appended is stored as a plain PNG).

The size and the header are checked before any pixel is decoded, so a small file that
claims 12000×12000 px is refused without allocating its pixels."""

from __future__ import annotations

import io
import os
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MIN_SIDE = 200
IMAGE_MAX_SIDE = 6000
IMAGE_MAX_PIXELS = 25_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
IMAGE_HELP_TEXT = (
    f"JPEG, PNG or WebP, at least {IMAGE_MIN_SIDE}×{IMAGE_MIN_SIDE} px, "
    f"at most {IMAGE_MAX_SIDE} px a side and {IMAGE_MAX_BYTES // 1024 // 1024} MB."
)


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    return size


def image_validate(file) -> str:
    """Check an upload against the rules. Returns the Pillow format name; raises
    ValidationError with a message for the user."""
    from PIL import Image, UnidentifiedImageError

    size = _size(file)
    if size > IMAGE_MAX_BYTES:
        raise ValidationError(
            f"The image is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{IMAGE_MAX_BYTES // 1024 // 1024} MB."
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():  # an oversized header is refused below, not decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:  # reads the header only
                image_format = image.format
                width, height = image.size
                if image_format in IMAGE_FORMATS and width * height <= IMAGE_MAX_PIXELS:
                    image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not an image we can read (use JPEG, PNG or WebP)."
        ) from None
    finally:
        file.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(f"{image_format} images are not accepted; use JPEG, PNG or WebP.")
    if width < IMAGE_MIN_SIDE or height < IMAGE_MIN_SIDE:
        raise ValidationError(
            f"The image is {width}×{height} px; it must be at least "
            f"{IMAGE_MIN_SIDE}×{IMAGE_MIN_SIDE} px."
        )
    if width > IMAGE_MAX_SIDE or height > IMAGE_MAX_SIDE:
        raise ValidationError(
            f"The image is {width}×{height} px; at most {IMAGE_MAX_SIDE} px a side."
        )
    if width * height > IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"The image is {width}×{height} px; at most {IMAGE_MAX_PIXELS // 1_000_000} megapixels."
        )
    return image_format


def image_reencode(file, *, name: str = "") -> ContentFile:
    """Validate `file` and write its pixels again in its own format, upright, without
    metadata. The result is named `name` (without extension; else the upload's name) with
    the format's extension."""
    from PIL import Image, ImageOps

    image_format = image_validate(file)
    file.seek(0)
    with Image.open(file) as image:
        image = ImageOps.exif_transpose(image)
        if image_format == "JPEG":
            image = image.convert("RGB")
            options = {"quality": 88, "optimize": True}
        elif image_format == "PNG":
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                image = image.convert("RGBA")
            options = {"optimize": True}
        else:
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            options = {"quality": 85, "method": 4}
        out = io.BytesIO()
        image.save(out, format=image_format, **options)
    file.seek(0)
    stem = name or os.path.splitext(os.path.basename(getattr(file, "name", "") or ""))[0]
    return ContentFile(out.getvalue(), name=f"{stem or 'image'}.{IMAGE_EXTENSIONS[image_format]}")


def image_is_upload(value) -> bool:
    """A new upload, as opposed to the stored file a form shows back (or nothing)."""
    return bool(value) and hasattr(value, "content_type")
