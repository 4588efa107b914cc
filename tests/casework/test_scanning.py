"""The clamd client against a fake clamd, and what an outage does to uploads."""

import io
import socket

import pytest

from casework.scanning import (
    EICAR,
    ClamdScanner,
    LocalScanner,
    ScannerUnavailable,
    Verdict,
    scanner_from_settings,
)
from casework.uploads import UploadRejected, check_upload
from tests.casework import files


@pytest.fixture
def clamd(request):
    """A fake clamd on a free local TCP port; `mode` from indirect parameters."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = files.FakeClamd(listener, getattr(request, "param", "answer"))
    server.port = listener.getsockname()[1]
    yield server
    server.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def test_a_clean_file_is_streamed_whole_and_found_clean(clamd):
    content = b"x" * 200_000  # several chunks
    result = ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5).scan(
        io.BytesIO(content)
    )
    assert result.verdict == Verdict.CLEAN
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [content]


def test_eicar_is_found_with_the_name_clamd_gives(clamd):
    result = ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5).scan(
        io.BytesIO(files.PDF + EICAR)
    )
    assert result.verdict == Verdict.INFECTED
    assert result.detail == "Eicar-Signature"


def test_clamd_on_a_unix_socket(tmp_path):
    path = str(tmp_path / "clamd.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    server = files.FakeClamd(listener)
    try:
        result = ClamdScanner(unix_socket=path, timeout=5).scan(io.BytesIO(EICAR))
    finally:
        server.close()
    assert result.verdict == Verdict.INFECTED


def test_unreachable_clamd_gives_no_verdict():
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=closed_port(), timeout=2).scan(
            io.BytesIO(b"data")
        )


@pytest.mark.parametrize("clamd", ["silent"], indirect=True)
def test_clamd_that_does_not_answer_in_time_gives_no_verdict(clamd):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=0.5).scan(
            io.BytesIO(b"data")
        )


@pytest.mark.parametrize("clamd", ["size-limit"], indirect=True)
def test_a_file_past_clamds_stream_limit_gives_no_verdict(clamd):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5).scan(
            io.BytesIO(b"y" * 300_000)
        )


def test_without_clamd_the_local_scanner_still_catches_the_test_virus():
    # EICAR split across two read chunks is still found.
    content = b"a" * (64 * 1024 - 10) + EICAR
    assert LocalScanner().scan(io.BytesIO(content)).verdict == Verdict.INFECTED
    assert LocalScanner().scan(io.BytesIO(b"ok")).verdict == Verdict.NOT_SCANNED


def test_settings_choose_the_scanner(settings):
    assert isinstance(scanner_from_settings(), LocalScanner)
    settings.CLAMD_HOST = "clamav"
    scanner = scanner_from_settings()
    assert isinstance(scanner, ClamdScanner)
    assert (scanner.host, scanner.port) == ("clamav", 3310)
    settings.CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    assert scanner_from_settings().unix_socket == "/run/clamav/clamd.ctl"


# --- What an upload gets ----------------------------------------------------


def test_an_upload_scanned_clean_is_marked_clean(clamd):
    scanner = ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5)
    checked = check_upload(files.upload("notes.pdf", files.PDF), scanner=scanner)
    assert checked.scan_status == "clean"


def test_an_upload_clamd_finds_a_virus_in_is_refused(clamd):
    scanner = ClamdScanner(host="127.0.0.1", port=clamd.port, timeout=5)
    with pytest.raises(UploadRejected, match="contains a virus"):
        check_upload(files.upload("notes.pdf", files.PDF + EICAR), scanner=scanner)


def test_an_upload_is_quarantined_not_accepted_when_clamd_is_down():
    scanner = ClamdScanner(host="127.0.0.1", port=closed_port(), timeout=2)
    checked = check_upload(files.upload("notes.pdf", files.PDF), scanner=scanner)
    assert checked.scan_status == "quarantined"
    assert "clamd" in checked.scan_detail
