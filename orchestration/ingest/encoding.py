"""Decoding CSV bytes whose encoding nobody told us.

County offices save CSV from Excel as UTF-8 (with or without a byte-order mark) or in the
Chinese Windows code page (GBK, whose superset is GB18030). We try the strict decoders in that
order — a GBK file is almost never valid UTF-8, so the order is safe — and only then ask
charset-normalizer for a best guess.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


class UndecodableText(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class DecodedText:
    """Text and the name of the encoding it was decoded with (e.g. 'utf-8-sig', 'gb18030')."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> DecodedText:
    """Decode CSV bytes: UTF-16 by BOM, then UTF-8 (BOM optional), GB18030, charset-normalizer.

    Raises UndecodableText when nothing decodes cleanly or the text holds NUL characters
    (a binary file with a .csv name).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16"), "utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        name = (
            "utf-8"
            if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8)
            else (encoding)
        )
        return _checked(text, name)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UndecodableText("the bytes are not text in UTF-8, GBK/GB18030 or any known encoding")
    return _checked(str(best), best.encoding)


def _checked(text: str, encoding: str) -> DecodedText:
    if "\x00" in text:
        raise UndecodableText(f"decoded as {encoding} but holds NUL characters: not a text file")
    return DecodedText(text=text, encoding=encoding)
