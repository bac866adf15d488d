"""Properties: the parser never crashes on arbitrary text, and repair never loses a line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongbao.errors import GongbaoError
from gongbao.parse import parse_text
from gongbao.text.decode import decode_bytes
from gongbao.text.repair import repair

# text drawn from the characters gazettes are made of, so that headers, 文号 and dates actually occur
ALPHABET = st.sampled_from(
    list(
        "平顺县人民政府办公室关于印发通知意见批复令的实施方案办法第一二三四五六七八九十章条节、（）()〔〕[]《》“”，。：；\n 　\t"
    )
    + list("0123456789年月日号-—.")
)
FRAGMENTS = st.sampled_from(
    [
        "平政办发〔2023〕39号",
        "2023年10月12日",
        "（此件公开发布）",
        "各乡、镇人民政府：",
        "平顺县人民政府",
        "关于印发某办法的通知",
        "第一条 ",
        "一、",
        "附件：",
        "—— 21",
        "1 / 2023 平顺县人民政府公报县政府文件",
        "\n\n",
    ]
)
TEXT = st.lists(st.one_of(st.text(ALPHABET, max_size=30), FRAGMENTS, st.text(max_size=10)), max_size=60).map(
    "\n".join
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT)
def test_parser_never_crashes(text):
    result = parse_text(text, strict=False)
    for d in result.documents:
        assert d.line_start <= d.line_end
        assert d.title


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=400))
def test_strict_parse_either_succeeds_or_raises_a_user_error(text):
    try:
        parse_text(text)
    except GongbaoError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(TEXT)
def test_repair_keeps_every_raw_line(text):
    rep = repair(text)
    used = {no for line in rep.lines for _, no in line.sources} | {f.line for f in rep.furniture}
    nonblank = {i for i, raw in enumerate(rep.raw_lines, 1) if raw.strip()}
    assert used <= nonblank
    # a non-blank line may vanish only if repair reduced it to nothing (markup or whitespace alone)
    for no in nonblank - used:
        assert not repair(rep.raw_lines[no - 1]).lines


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def test_decoding_arbitrary_bytes_never_crashes(data):
    try:
        text, enc = decode_bytes(data)
    except GongbaoError:
        return
    assert isinstance(text, str) and enc
