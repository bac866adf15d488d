"""Stage 0: bytes → text. Encodings are detected, bad input is refused with a clear error."""

from __future__ import annotations

import pytest

from gongbao.errors import BinaryInputError, EmptyInputError
from gongbao.text.decode import decode_bytes

# pingshun-2023-04.txt line 83 and 85
SNIPPET = "平政发〔2023〕58 号\n\n各乡、镇人民政府，县直各有关单位：\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_round_trip(encoding):
    data = SNIPPET.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = "\ufeff".encode(encoding) + data  # a BOM is how UTF-16 text files announce themselves
    text, detected = decode_bytes(data * 20)
    assert text.startswith("平政发〔2023〕58 号")
    assert detected


def test_gb18030_is_detected_not_guessed():
    text, enc = decode_bytes(
        ("平顺县人民政府关于印发平顺县县级储备粮管理暂行办法的通知\n" * 10).encode("gb18030")
    )
    assert "储备粮" in text and enc in ("gb18030",)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t ", b"\x00\x00"])
def test_empty_input_is_refused(data):
    with pytest.raises(EmptyInputError):
        decode_bytes(data, "x.txt")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"PK\x03\x04\x14\x00" + bytes(range(256)), bytes(range(256)) * 40],
)
def test_binary_input_is_refused(data):
    with pytest.raises(BinaryInputError) as exc:
        decode_bytes(data, "scan.pdf")
    assert "scan.pdf" in str(exc.value) and "二进制" in str(exc.value)
