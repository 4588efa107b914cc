"""Checking a file someone uploads before anything keeps it.

In order, cheapest first: not empty; no bigger than the largest file we take
(from `UploadedFile.size`, before reading it); its type from its first bytes,
never its name; no bigger than the limit for that type; a virus scan; then
photos are decoded (with a cap on pixels) and re-encoded without any
metadata (EXIF, GPS, XMP, comments, text chunks). PDFs and videos are kept as
sent. Every refusal is an `UploadRejected` with a message for the person.

`upload_handlers()` is for a view that takes uploads: it stops writing a file
to disk once it is past the largest size we take, so a 2 GB upload costs no
more than 200 MB of temporary disk before it is refused.
"""

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps
from pillow_heif import register_heif_opener

from casework.scanning import Scanner, ScannerUnavailable, Verdict

logger = logging.getLogger(__name__)

# Enough for filetype's signatures (it reads at most 8 KiB).
HEAD_BYTES = 8192


# HEIC/HEIF photos (what iPhones and many Android phones take) are decoded by
# pillow-heif, which bundles libheif; registered once, here, for every
# Image.open. Embedded thumbnails are not decoded: we never keep them.
register_heif_opener(thumbnails=False)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str  # of the file as we store it
    category: str  # a key of settings.EVIDENCE_MAX_BYTES
    pillow_format: str = ""  # set for photos, which are re-encoded


JPEG = FileKind("image/jpeg", "jpg", "image", "JPEG")
PNG = FileKind("image/png", "png", "image", "PNG")
# Kept as a JPEG: staff (and their tools) can open it anywhere.
HEIC = FileKind("image/heic", "jpg", "image", "HEIF")
HEIF = FileKind("image/heif", "jpg", "image", "HEIF")
# What a photo of each format is stored as, when not the same format.
STORED_AS = {"HEIF": JPEG}
ALLOWED = {
    kind.content_type: kind
    for kind in [
        JPEG,
        PNG,
        HEIC,
        HEIF,
        FileKind("video/mp4", "mp4", "video"),
        FileKind("video/quicktime", "mov", "video"),
        FileKind("application/pdf", "pdf", "document"),
    ]
}
PHOTO_ACCEPT = [
    "image/jpeg",
    "image/png",
    "image/heic",
    "image/heif",
    ".jpg",
    ".jpeg",
    ".png",
    ".heic",
    ".heif",
]


@dataclass(frozen=True)
class UploadRules:
    """What one upload page takes, and how its photos are kept."""

    kinds: tuple[FileKind, ...]
    # "a JPG, PNG, MP4, MOV or PDF", for "The selected file … must be …".
    types_text: str
    # For <input type=file accept=...>: a hint to the browser's file picker.
    accept: str
    # Said after the types when a file of a kind we take elsewhere is refused
    # here (a video on the anonymous path), so the person knows why.
    refused_kind_text: str = ""
    # A colour profile can carry text (the device or editor that made it).
    # Kept, colours are exactly as sent; not kept, the pixels are converted
    # to sRGB first, so they still look the same.
    keep_colour_profile: bool = True
    # Not kept, each file is named "image-1.jpg", "image-2.png"…: a file's
    # name ("IMG_0412", "Sam's phone 3.jpg") can say who sent it.
    keep_names: bool = True

    def kind_for(self, content_type: str) -> FileKind | None:
        return next((k for k in self.kinds if k.content_type == content_type), None)


# Crime reports, and intelligence from someone who gives their details.
EVIDENCE = UploadRules(
    kinds=tuple(ALLOWED.values()),
    types_text=gettext_lazy("a JPG, PNG, HEIC, MP4, MOV or PDF"),
    accept=",".join(
        [*PHOTO_ACCEPT, "video/mp4", "video/quicktime", "application/pdf"]
        + [".mp4", ".mov", ".pdf"]
    ),
)
# Intelligence from someone who stays anonymous: a video or a document keeps
# what its maker wrote into it (names, places, devices) and we cannot clean
# it, so only photos are taken, and kept with nothing but their pixels.
PHOTOS_ONLY = UploadRules(
    kinds=(JPEG, PNG, HEIC, HEIF),
    types_text=gettext_lazy("a JPG, PNG or HEIC"),
    accept=",".join(PHOTO_ACCEPT),
    refused_kind_text=gettext_lazy(". Videos and documents cannot be sent anonymously"),
    keep_colour_profile=False,
    keep_names=False,
)
ACCEPT = EVIDENCE.accept


class UploadRejected(ValueError):
    """The file was not kept; `message` says why, for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CheckedUpload:
    """A file that passed every check, ready to store."""

    content: File
    original_name: str
    kind: FileKind
    size: int
    sha256: str
    scan_status: str  # a Verdict, or "quarantined" when no verdict was had
    scan_detail: str


def display_name(name: str) -> str:
    """The file's name as sent, safe to show: no folders, no control or
    direction-changing characters, at most 100 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = re.sub(r"\s+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:100] or _("unnamed file")


def size_text(limit: int) -> str:
    """20971520 -> "20MB", as GOV.UK writes sizes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:.3g}{unit}"
    return _("%(count)s bytes") % {"count": limit}


def _too_big(name: str, limit: int) -> UploadRejected:
    return UploadRejected(
        _("The selected file “%(name)s” must be smaller than %(limit)s")
        % {"name": name, "limit": size_text(limit)}
    )


def _kind_of(head: bytes, rules: UploadRules) -> tuple[FileKind | None, str]:
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    return rules.kind_for(mime), mime


def check_upload(
    upload: UploadedFile, *, scanner: Scanner, rules: UploadRules = EVIDENCE
) -> CheckedUpload:
    """Check one uploaded file; raise UploadRejected with the reason if refused."""
    name = display_name(upload.name)
    if not upload.size:
        raise UploadRejected(
            _("The selected file “%(name)s” is empty") % {"name": name}
        )
    limits = settings.EVIDENCE_MAX_BYTES
    if upload.size > max(limits.values()):
        raise _too_big(name, max(limits.values()))
    upload.seek(0)
    kind, detected = _kind_of(upload.read(HEAD_BYTES), rules)
    if kind and upload.size > limits[kind.category]:
        raise _too_big(name, limits[kind.category])

    # Scan whatever the type: someone sending a virus should be told so.
    upload.seek(0)
    try:
        result = scanner.scan(upload)
        scan_status, scan_detail = str(result.verdict), result.detail
    except ScannerUnavailable as error:
        logger.warning("Upload quarantined unscanned: %s", error)
        scan_status, scan_detail = "quarantined", str(error)
    if scan_status == Verdict.INFECTED:
        logger.warning("Upload refused: virus %s", scan_detail)
        raise UploadRejected(
            _("The selected file “%(name)s” contains a virus") % {"name": name}
        )

    if kind is None:
        message = _("The selected file “%(name)s” must be %(types)s") % {
            "name": name,
            "types": rules.types_text,
        }
        if detected in ALLOWED and rules.refused_kind_text:
            message += str(rules.refused_kind_text)
        raise UploadRejected(message)

    # Photos are kept only as re-encoded; other files as they came.
    content = (
        _reencoded(upload, kind, name, keep_colour_profile=rules.keep_colour_profile)
        if kind.pillow_format
        else upload
    )
    if kind.pillow_format in STORED_AS:
        # A HEIC kept as a JPEG is named like one, so it opens when staff
        # download it.
        kind = STORED_AS[kind.pillow_format]
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.{kind.extension}"
    digest = hashlib.sha256()
    for chunk in content.chunks():
        digest.update(chunk)
    return CheckedUpload(
        content=content,
        original_name=name,
        kind=kind,
        size=content.size,
        sha256=digest.hexdigest(),
        scan_status=scan_status,
        scan_detail=scan_detail,
    )


def _reencoded(
    upload: UploadedFile, kind: FileKind, name: str, *, keep_colour_profile: bool
) -> ContentFile:
    """The photo's pixels, upright, in a new file with no metadata at all.

    Saving from the decoded pixels leaves behind every block the camera or
    an editor wrote (EXIF with GPS and serial numbers, XMP, comments, PNG
    text). The colour profile is kept, so colours stay true, unless the rules
    say otherwise: then the pixels are converted to sRGB and no profile (nor
    the text in it) is written.
    """
    too_many_pixels = UploadRejected(
        _("The selected file “%(name)s” must be smaller than %(count)s megapixels")
        % {"name": name, "count": f"{settings.EVIDENCE_MAX_IMAGE_PIXELS / 1e6:g}"}
    )
    upload.seek(0)
    try:
        with Image.open(upload, formats=[kind.pillow_format]) as image:
            # The header gives the size: refuse before decoding anything.
            if image.width * image.height > settings.EVIDENCE_MAX_IMAGE_PIXELS:
                raise too_many_pixels
            icc_profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
        if icc_profile and not keep_colour_profile:
            upright, icc_profile = _in_srgb(upright, icc_profile), None
        save_as = STORED_AS.get(kind.pillow_format, kind).pillow_format
        if save_as == "PNG" and (
            upright.mode in {"P", "PA"} or "transparency" in upright.info
        ):
            upright = upright.convert("RGBA")
        elif save_as == "JPEG" and upright.mode not in {"L", "RGB", "CMYK"}:
            upright = upright.convert("RGB")
        upright.info.clear()
        out = io.BytesIO()
        if save_as == "JPEG":
            upright.save(out, "JPEG", quality=90, icc_profile=icc_profile)
        else:
            upright.save(out, "PNG", icc_profile=icc_profile)
    except UploadRejected:
        raise
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except Exception as error:
        # Anything the decoder cannot make sense of is a damaged or disguised
        # file, not a fault of ours. Only the kind of error is logged: Pillow's
        # messages can hold the file's name, which may identify its sender.
        logger.info("Photo could not be decoded: %s", type(error).__name__)
        raise UploadRejected(
            _(
                "The selected file “%(name)s” could not be opened as a photo – "
                "save it again or choose a different file"
            )
            % {"name": name}
        ) from None
    return ContentFile(out.getvalue(), name=f"photo.{kind.extension}")


def _in_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """The image's colours converted from its own profile to sRGB, the colour
    space a viewer assumes when a photo has no profile."""
    mode = "RGBA" if "A" in image.getbands() else "RGB"
    if image.mode not in {"RGB", "RGBA", "CMYK", "L"}:
        image = image.convert(mode)
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
        # A profile that cannot be read cannot be applied: the pixels are
        # kept as they are, as a viewer that ignored the profile would show.
        return image
    return converted or image


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Writes at most `cap` bytes of each file to disk, but counts every byte.

    A file past the cap arrives with its real `size` and a cut-short body;
    `check_upload` refuses it on the size without reading it.
    """

    def __init__(self, request=None, *, cap: int):
        super().__init__(request)
        self.cap = cap

    def receive_data_chunk(self, raw_data, start):
        if start < self.cap:
            self.file.write(raw_data[: self.cap - start])


def upload_handlers(request) -> list:
    """Handlers for a view taking evidence; set before the body is read."""
    return [
        MemoryFileUploadHandler(request),
        CappedUploadHandler(request, cap=max(settings.EVIDENCE_MAX_BYTES.values()) + 1),
    ]
