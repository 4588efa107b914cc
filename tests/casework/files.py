"""Small files of every kind the evidence upload meets, made in memory."""

import io
import re
import struct
import threading
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from casework.scanning import EICAR

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(1)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's claimed type is what a liar would send: it is ignored.
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def iso_media(brand: bytes, compatible: bytes) -> bytes:
    """The start of an MP4, MOV or HEIC file: its ftyp box, then padding."""
    box = brand + b"\x00\x00\x02\x00" + compatible
    return struct.pack("!I", 8 + len(box)) + b"ftyp" + box + b"\x00" * 256


MP4 = iso_media(b"isom", b"isomiso2mp41")
MOV = iso_media(b"qt  ", b"qt  ")
HEIC = iso_media(b"heic", b"mif1heic")


def phone_exif(*, model: str = "Phone 15", orientation: int = 1) -> Image.Exif:
    """What a phone writes into a photo: maker, model and where it was."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 45.0, 10.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 17.0, 2.0)
    gps[ExifTags.GPS.GPSMapDatum] = "WGS-84"
    return exif


def jpeg_with_gps(*, size=(40, 20), orientation: int = 1) -> bytes:
    """A photo carrying what a phone writes: maker, model, GPS, XMP, comment."""
    image = Image.new("RGB", size, "red")
    exif = phone_exif(orientation=orientation)
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=b"Taken at 12 Acacia Avenue",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Acacia Avenue</x:xmpmeta>',
    )
    return out.getvalue()


def icc_profile_saying(text: str) -> bytes:
    """A working sRGB colour profile whose copyright text is `text` (at most
    24 characters): profiles carry text, such as the device that made them."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    old = "No copyright, use freely".encode("utf-16-be")
    new = text[:24].ljust(24).encode("utf-16-be")
    assert old in profile
    return profile.replace(old, new)


def jpeg_with_everything(marker: str) -> bytes:
    """A phone photo with `marker` written into every block that can hold
    text: EXIF (with GPS), XMP, a comment and the colour profile."""
    image = Image.new("RGB", (40, 20), "red")
    exif = phone_exif(model=f"Phone of {marker}")
    exif[ExifTags.Base.Artist] = marker
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=f"Taken by {marker}".encode(),
        xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{marker}</x:xmpmeta>'.encode(),
        icc_profile=icc_profile_saying(marker),
    )
    return out.getvalue()


def heic_with_gps(*, size=(64, 48), colour=(200, 30, 30)) -> bytes:
    """A HEIC, as an iPhone takes, made by pillow-heif itself: with camera
    details and GPS in its EXIF, and XMP."""
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(
        out,
        "HEIF",
        exif=phone_exif().tobytes(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Acacia Avenue</x:xmpmeta>',
        quality=90,
    )
    return out.getvalue()


def png_with_text() -> bytes:
    image = Image.new("RGB", (30, 30), "blue")
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Sam Reporter")
    info.add_text("Location", "12 Acacia Avenue", zip=True)
    info.add_itxt("Comment", "Acacia Avenue, Hitchin")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_with_transparency() -> bytes:
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    image.putpixel((5, 5), 1)
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims any size: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", crc)

    header = struct.pack("!IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


class FakeClamd:
    """A stand-in for ClamAV's daemon speaking INSTREAM, on TCP or a unix socket.

    `mode` is "answer" (OK, or FOUND for EICAR), "silent" (reads the stream,
    never answers) or "size-limit" (refuses the stream like clamd does past
    its StreamMaxLength).
    """

    def __init__(self, listener, mode: str = "answer"):
        self.listener = listener
        self.mode = mode
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self._release = threading.Event()
        # accept() in a thread does not wake when the socket is closed: poll.
        listener.settimeout(0.05)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self):
        self._release.set()
        self.thread.join(timeout=5)
        self.listener.close()

    def _serve(self):
        while not self._release.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(10)
                self._answer(connection)

    def _answer(self, connection):
        reader = connection.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = reader.read(1)
            if not byte:
                return
            command += byte
        self.commands.append(command)
        if self.mode == "size-limit":
            connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            return
        data = b""
        while True:
            (length,) = struct.unpack("!L", reader.read(4))
            if length == 0:
                break
            data += reader.read(length)
        self.received.append(data)
        if self.mode == "silent":
            self._release.wait(timeout=10)
            return
        if EICAR in data:
            connection.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")


def error_messages(html: str) -> list[str]:
    """The messages beside a field (not those in the summary at the top)."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(
            r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">'
            r"Error:</span>(.*?)</span>",
            html,
            re.S,
        )
    ]
