"""Stage 0 — bytes to text.

Reads: the bytes of a file. Writes: a ``str`` plus the name of the encoding it was decoded from.
Encodings are detected with charset-normalizer (BOMs first); empty and binary input is refused with a
clear error instead of producing garbage downstream.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from gongbao.errors import BinaryInputError, EmptyInputError, EncodingError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of formats people may feed us by mistake (PDF, OFD/zip, images, office files).
_MAGIC = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP/OFD/Office",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\xd0\xcf\x11\xe0": "Office 97",
    b"\x7fELF": "ELF",
}
# Detected single-byte or legacy encodings that mean "Chinese" are widened to their superset.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def _control_ratio(text: str) -> float:
    """Share of control characters (and U+FFFD): high in binary files decoded as text."""
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def decode_bytes(data: bytes, source: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Raises :class:`EmptyInputError`, :class:`BinaryInputError` or :class:`EncodingError`.
    """
    if not data or not data.strip(b" \t\r\n\f\v\x00"):
        raise EmptyInputError(source)
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryInputError(source, kind)
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                raise EncodingError(source) from exc
            break
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(data[:200_000]).best()
            if best is None:
                if b"\x00" in data:
                    raise BinaryInputError(source) from None
                raise EncodingError(source) from None
            encoding = _WIDEN.get(best.encoding.lower(), best.encoding)
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                text = str(best) if len(data) <= 200_000 else data.decode(encoding, errors="replace")
    text = text.lstrip("\ufeff")
    if _control_ratio(text) > 0.01:
        raise BinaryInputError(source)
    if not text.strip():
        raise EmptyInputError(source)
    return text, encoding


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a file and decode it (see :func:`decode_bytes`)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise EncodingError(str(p)) from None
    return decode_bytes(data, str(p))
