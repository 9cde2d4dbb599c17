"""Images that questions carry (Moodle XML's ``<file>`` elements): content sniffing and the size limit.

Only PNG, JPEG, GIF and WebP are kept: they are what a question text shows, and none of them can carry a script
(an SVG could). The type comes from the bytes, never from the file name."""
from __future__ import annotations

#: The largest image a question may carry.
MAX_IMAGE_BYTES = 5 * 1024 * 1024

IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}
ALLOWED_LABEL = "PNG, JPEG, GIF или WebP"


def sniff_image(content: bytes) -> str | None:
    """The MIME type of an image by its first bytes, or None when it is not one of the allowed kinds."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(content) >= 12 and content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "image/webp"
    return None


