"""Checking uploaded files (DESIGN.md, security habits): type by extension, size, and content by magic bytes.

`check_upload(uploaded, kinds)` refuses with a Vietnamese `DomainError` and, when the file passes, says which kind
it is and the content type to store and serve it with. Files are then stored with Django's default storage (under
var/media, outside the static root) and served only through a view that checks the reader's scope.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    magic: bytes
    zip_member: str = ""  # for Office files: a part the archive must hold


KINDS = {
    "pdf": Kind("pdf", "PDF", (".pdf",), "application/pdf", b"%PDF-"),
    "jpeg": Kind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg", b"\xff\xd8\xff"),
    "png": Kind("png", "PNG", (".png",), "image/png", b"\x89PNG\r\n\x1a\n"),
    "xlsx": Kind(
        "xlsx",
        "Excel (.xlsx)",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
        zip_member="xl/workbook.xml",
    ),
    "docx": Kind(
        "docx",
        "Word (.docx)",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
        zip_member="word/document.xml",
    ),
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    original_name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def describe(kinds) -> str:
    """'PDF, JPEG, PNG' for the kinds allowed, to tell the user what to send."""
    return ", ".join(KINDS[k].label for k in kinds)


def accept_attribute(kinds) -> str:
    """The `accept` attribute of a file input for these kinds (a hint to the browser; the server still checks)."""
    return ",".join(ext for k in kinds for ext in KINDS[k].extensions)


def _size_text(n: int) -> str:
    # one decimal, in the reader's locale ("10,4 MB"): a file just over the limit must not read as the limit itself
    return filesizeformat(n)


def check_upload(uploaded, kinds, *, field: str = "file") -> CheckedUpload:
    """Refuse anything but a non-empty file of one of `kinds`, small enough, whose content matches its extension."""
    if uploaded is None:
        raise DomainError(_("Chưa chọn tệp."), field=field)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:  # a programming error in the calling data, not the user's
        raise ValueError(f"unknown upload kinds: {unknown}")
    name = PurePath(uploaded.name or "").name
    extension = PurePath(name).suffix.lower()
    kind = next((KINDS[k] for k in kinds if extension in KINDS[k].extensions), None)
    if kind is None:
        raise DomainError(
            _("Tệp '%(name)s' không đúng loại được nhận. Loại được nhận: %(kinds)s.")
            % {"name": name, "kinds": describe(kinds)},
            field=field,
        )
    size = uploaded.size or 0
    if size == 0:
        raise DomainError(_("Tệp '%(name)s' rỗng.") % {"name": name}, field=field)
    limit = max_upload_bytes()
    if size > limit:
        raise DomainError(
            _("Tệp '%(name)s' quá lớn (%(size)s); tối đa %(limit)s.")
            % {"name": name, "size": _size_text(size), "limit": _size_text(limit)},
            field=field,
        )
    uploaded.seek(0)
    head = uploaded.read(len(kind.magic))
    uploaded.seek(0)
    if head != kind.magic or (kind.zip_member and not _zip_holds(uploaded, kind.zip_member)):
        raise DomainError(
            _("Nội dung tệp '%(name)s' không phải là %(kind)s như phần mở rộng của tệp.")
            % {"name": name, "kind": kind.label},
            field=field,
        )
    if kind.code in IMAGE_KINDS:
        _check_image(uploaded, name, kind.code, field)
    return CheckedUpload(kind=kind.code, content_type=kind.content_type, size=size, original_name=name[:255])


IMAGE_KINDS = ("jpeg", "png")
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo (8660 × 5773); phones take 12 to 50


def max_image_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def _check_image(uploaded, name: str, code: str, field: str) -> None:
    """An image must decode, and its stated size must be reasonable: a PNG of a few KB can state 20000 × 20000 pixels
    and take gigabytes to decode (a decompression bomb). Only the header is read for the size; then `verify()` (a
    PNG's chunks and checksums to the end) and, for a JPEG, a decode at 1/8 scale, which finds a truncated file
    without the memory of a full decode."""
    import warnings

    from PIL import Image

    limit = max_image_pixels()
    damaged = DomainError(
        _("Tệp ảnh '%(name)s' bị hỏng hoặc không đầy đủ, không đọc được.") % {"name": name}, field=field
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(name, width, height, limit, field)
                image.verify()
            if code == "jpeg":
                uploaded.seek(0)
                with Image.open(uploaded) as image:
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
            # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is imported, and then
            # Pillow accepts a cut file: the end marker must be there (a little data after it is allowed).
            end = {"jpeg": b"\xff\xd9", "png": b"IEND"}.get(code)
            uploaded.seek(max(0, (uploaded.size or 0) - 4096))
            if end is not None and end not in uploaded.read():
                raise damaged
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(
            _("Ảnh '%(name)s' có kích thước khai báo quá lớn; tối đa %(limit)s triệu điểm ảnh.")
            % {"name": name, "limit": limit // 1_000_000},
            field=field,
        ) from exc
    except DomainError:
        raise
    except Exception as exc:  # UnidentifiedImageError, OSError, SyntaxError, and whatever else a decoder raises
        raise damaged from exc
    finally:
        uploaded.seek(0)


def _too_many_pixels(name, width, height, limit, field) -> DomainError:
    return DomainError(
        _("Ảnh '%(name)s' quá lớn (%(width)s × %(height)s điểm ảnh); tối đa %(limit)s triệu điểm ảnh.")
        % {"name": name, "width": width, "height": height, "limit": limit // 1_000_000},
        field=field,
    )


def _zip_holds(uploaded, member: str) -> bool:
    """Reads only the archive's directory (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(uploaded) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
