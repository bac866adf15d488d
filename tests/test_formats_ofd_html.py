"""OFD packages and saved 政府信息公开 pages: one pipeline with the text route, hostile input refused.

OFD test files are written by :mod:`gongbao.formats.ofdgen` from the bundled samples (in a session tmp
dir, not committed); hostile packages are built here. The HTML fixtures (tests/fixtures/html/) are
hand-written pages around real document text — each names the sample file and lines it uses.
"""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongbao.cli import app
from gongbao.errors import InputError
from gongbao.formats import annotate, detect, extract
from gongbao.formats.html import ALL_LABELS, SYNONYMS, extract_html
from gongbao.formats.ofd import MAX_PART_BYTES, extract_ofd, lines_of, page_runs, safe_xml
from gongbao.formats.ofdgen import NS, make_ofd
from gongbao.parse import parse_file, parse_text
from gongbao.parse.webmeta import _CANONICAL
from gongbao.patterns import WEB_META_LABELS
from gongbao.store.db import connect
from gongbao.store.ingest import ingest_file
from gongbao.store.query import stats
from gongbao.text.repair import squeeze

from conftest import FIXTURES, SAMPLE_FILES, SAMPLES, parsed, raw_lines

HTML = FIXTURES / "html"
DOC_FIELDS = ("doc_no", "issuer", "title", "doc_type", "signed_date", "publicity")


def doc_key(d, text: bool = True):
    """Everything the parser says about a document except raw line numbers."""
    return (
        tuple(getattr(d, f) for f in DOC_FIELDS),
        [(p.role, p.title, p.kind) + ((squeeze(p.text),) if text else ()) for p in d.parts],
        [(a.title, a.only_online) for a in d.attachments],
    )


def header_of(expected_gazettes, name: str) -> str:
    g = expected_gazettes[name]
    return f"{g['name']} {g['year']}年第{g['issue']}期"


def excerpt(name: str, start: int, end: int) -> str:
    """Lines ``start``..``end`` (1-based, inclusive) of a sample."""
    return "\n".join(raw_lines(name)[start - 1 : end])


# --------------------------------------------------------------------------------------------------
# OFD: the generator writes what the standard asks for


def test_ofdgen_writes_a_minimal_valid_package():
    data = make_ofd(
        "平顺县人民政府\n关于某事项的通知\n正文一行。", title="测试", header="平顺县人民政府公报 2023年第1期"
    )
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = zf.namelist()
    assert names[0] == "OFD.xml"
    assert {"Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/Pages/Page_0/Content.xml"} <= set(names)
    ofd = safe_xml(zf.read("OFD.xml"))
    assert ofd.tag == f"{{{NS}}}OFD" and ofd.get("DocType") == "OFD"
    assert ofd.find(f"{{{NS}}}DocBody/{{{NS}}}DocRoot").text == "Doc_0/Document.xml"
    assert ofd.find(f"{{{NS}}}DocBody/{{{NS}}}DocInfo/{{{NS}}}Title").text == "测试"
    doc = safe_xml(zf.read("Doc_0/Document.xml"))
    assert doc.find(f"{{{NS}}}CommonData/{{{NS}}}PublicRes").text == "PublicRes.xml"
    fonts = {f.get("ID") for f in safe_xml(zf.read("Doc_0/PublicRes.xml")).iter(f"{{{NS}}}Font")}
    ids, used_fonts = [], set()
    for name in names:
        if name.endswith("Content.xml"):
            for el in safe_xml(zf.read(name)).iter():
                if el.get("ID"):
                    ids.append(int(el.get("ID")))
                if el.tag == f"{{{NS}}}TextObject":
                    used_fonts.add(el.get("Font"))
                    assert len(el.get("Boundary").split()) == 4
    assert used_fonts <= fonts, "every TextObject's font is declared in PublicRes.xml"
    assert len(ids) == len(set(ids)), "object IDs are unique"
    assert int(doc.find(f"{{{NS}}}CommonData/{{{NS}}}MaxUnitID").text) >= max(ids)


def test_pages_lines_templates_and_page_numbers():
    # pingshun-2023-01.txt lines 2883-2919: the 批复 平政发〔2023〕19号 (37 raw lines, 18 with text)
    text = excerpt("pingshun-2023-01.txt", 2883, 2919)
    header = "平顺县人民政府公报 2023年第1期"
    data = make_ofd(text, header=header, page_numbers=True, lines_per_page=10, chars_per_line=0, title="批复")
    ext = extract(data, "x.ofd")
    assert (ext.format, ext.encoding) == ("ofd", "ofd")
    assert ext.meta["pages"] == 2 and ext.meta["title"] == "批复"
    lines = ext.text.split("\n")
    assert ext.page_starts == [1, 13]
    # the template's running header opens every page, the page number closes it
    assert [lines[s - 1] for s in ext.page_starts] == [header, header]
    assert lines[11] == "- 1 -" and lines[-1] == "- 2 -"
    body = [ln for ln in lines if ln not in (header, "- 1 -", "- 2 -")]
    assert body == [ln.strip() for ln in text.split("\n") if ln.strip()]
    d = annotate(parse_text(ext.text, "x.ofd", ext.encoding), ext).documents[0]
    assert (d.doc_no, d.signed_date, d.extra["pages"]) == ("平政发〔2023〕19号", "2023-02-23", [1, 2])


@pytest.fixture(scope="session")
def sample_ofds(tmp_path_factory, expected_gazettes) -> dict[str, Path]:
    """Every sample printed as OFD: one line per printed line, running header on a template page,
    page numbers on the pages."""
    out = tmp_path_factory.mktemp("ofd")
    paths = {}
    for name in SAMPLE_FILES:
        text = (SAMPLES / name).read_text(encoding="utf-8")
        data = make_ofd(text, chars_per_line=0, header=header_of(expected_gazettes, name), page_numbers=True)
        paths[name] = out / name.replace(".txt", ".ofd")
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_as_ofd_parses_to_the_same_documents_as_the_text(name, sample_ofds):
    via_ofd = parse_file(sample_ofds[name])
    via_text = parsed(name)
    assert via_ofd.format == "ofd"
    assert [doc_key(d) for d in via_ofd.documents] == [doc_key(d) for d in via_text.documents]
    g, h = via_ofd.gazette, via_text.gazette
    assert (g.name, g.year, g.issue, g.total_issue, g.published) == (
        h.name,
        h.year,
        h.issue,
        h.total_issue,
        h.published,
    )
    assert [(t.title, t.doc_no, t.page) for t in g.toc] == [(t.title, t.doc_no, t.page) for t in h.toc]
    pages = [d.extra["pages"] for d in via_ofd.documents]
    assert all(1 <= a <= b <= via_ofd.meta["pages"] for a, b in pages)
    assert [a for a, _ in pages] == sorted(a for a, _ in pages)


def test_wrapped_lines_one_object_per_character_in_shuffled_order(expected_documents, expected_gazettes):
    """As printed: paragraphs hard-wrapped at 28 characters, one TextObject per character (as many
    producers write them), objects out of reading order. Repair rejoins the wrapped lines."""
    name = "pingshun-2023-04.txt"
    text = (SAMPLES / name).read_text(encoding="utf-8")
    data = make_ofd(
        text, per_char=True, shuffle=True, header=header_of(expected_gazettes, name), page_numbers=True
    )
    ext = extract_ofd(data, name)
    result = parse_text(ext.text, name, ext.encoding)
    got = [tuple(getattr(d, f) for f in DOC_FIELDS) for d in result.documents]
    assert got == [tuple(e[f] for f in DOC_FIELDS) for e in expected_documents[name]]
    assert [[p.title for p in d.parts if p.role == "main_text"] for d in result.documents] == [
        e["main_texts"] for e in expected_documents[name]
    ]
    # the wrapped text of a paragraph comes back as one logical line
    # (pingshun-2023-04.txt line 86, the notice of 平政发〔2023〕58号, wraps over three printed lines)
    notice = result.documents[0].parts[0].text
    assert (
        "《平顺县2023年统筹整合使用财政涉农资金年底补充实施方案》已经县政府同意，现印发给你们，请认真贯彻执行。"
        in (notice.replace(" ", ""))
    )


def _package(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


OFD_XML = (
    f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
    "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def _document(*pages: str) -> str:
    refs = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="{p}"/>' for i, p in enumerate(pages))
    return (
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>"
    )


def _page(objects: str) -> str:
    return f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content></ofd:Page>'


def _obj(x: float, y: float, text: str, size: float = 5, extra: str = "", code: str = "") -> str:
    return (
        f'<ofd:TextObject ID="2" Boundary="{x} {y} 100 10" Font="1" Size="{size}" {extra}>'
        f'<ofd:TextCode X="0" Y="{size}" {code}>{text}</ofd:TextCode></ofd:TextObject>'
    )


def _one_page(objects: str) -> bytes:
    return _package(
        {
            "OFD.xml": OFD_XML,
            "Doc_0/Document.xml": _document("Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml": _page(objects),
        }
    )


def test_runs_become_lines_by_position():
    objects = [
        # a 2× CTM: the object's own units are half size; "第一章" then "总则" letter-spaced in one TextCode
        '<ofd:TextObject ID="3" Boundary="20 30 100 10" Font="1" Size="2.5" CTM="2 0 0 2 0 0">'
        '<ofd:TextCode X="0" Y="2.5" DeltaX="g 2 2.5">第一章</ofd:TextCode></ofd:TextObject>',
        _obj(45, 30, "总则", code='DeltaX="10"'),
        # a table row: cells far apart
        _obj(20, 45, "县交通运输局") + _obj(80, 45, "4222269") + _obj(130, 45, "备注"),
        # two TextCodes, the second continuing where the first ended (no X)
        '<ofd:TextObject ID="4" Boundary="20 60 150 10" Font="1" Size="5">'
        '<ofd:TextCode X="0" Y="5">各乡、镇</ofd:TextCode><ofd:TextCode>人民政府：</ofd:TextCode></ofd:TextObject>',
        # fake bold: the same run printed twice, slightly shifted
        _obj(20, 75, "关于印发某办法的通知") + _obj(20.3, 75.2, "关于印发某办法的通知"),
        # a superscript slightly above the baseline stays on its line
        _obj(20, 90, "面积100m") + _obj(40.2, 90.5, "2", size=3),
    ]
    data = _one_page("".join(reversed(objects)))  # written bottom-up: reading order comes from positions
    assert extract_ofd(data, "x.ofd").text.split("\n") == [
        "第一章 总 则",
        "县交通运输局\t4222269\t备注",
        "各乡、镇人民政府：",
        "关于印发某办法的通知",
        "面积100m2",
    ]


def test_pages_follow_the_document_order_and_references_resolve():
    files = {
        "OFD.xml": OFD_XML,
        # Page_1 is listed first; an absolute reference and a root-relative one
        "Doc_0/Document.xml": _document("/Doc_0/Pages/Page_1/Content.xml", "Doc_0/Pages/Page_0/Content.xml"),
        "Doc_0/Pages/Page_0/Content.xml": _page(_obj(20, 30, "第二页")),
        "Doc_0/Pages/Page_1/Content.xml": _page(_obj(20, 30, "第一页")),
    }
    ext = extract_ofd(_package(files), "x.ofd")
    assert (ext.text, ext.page_starts) == ("第一页\n第二页", [1, 2])
    # the same package zipped inside a folder
    nested = _package({f"公文/{k}": v for k, v in files.items()})
    assert detect(nested) == "ofd" and extract(nested, "x.ofd").text == "第一页\n第二页"


def test_xml_declared_in_gbk_is_read():
    page = f'<?xml version="1.0" encoding="GBK"?>\n{_page(_obj(20, 30, "稷山县人民政府"))}'.encode("gbk")
    files = {**VALID, "Doc_0/Pages/Page_0/Content.xml": page}
    assert extract_ofd(_package(files), "x.ofd").text == "稷山县人民政府"


def test_page_runs_read_every_layer_and_block():
    root = safe_xml(
        _page(_obj(20, 30, "甲"))
        .replace("</ofd:Layer>", f"<ofd:PageBlock ID='7'>{_obj(30, 30, '乙')}</ofd:PageBlock></ofd:Layer>")
        .encode()
    )
    assert lines_of(page_runs(root)) == ["甲 乙"]


# --------------------------------------------------------------------------------------------------
# OFD: hostile and broken packages


def _patch_central(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of ``name``'s central-directory entry (the sizes zipfile trusts)."""
    buf = bytearray(data)
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) >= 0:
        n, m, k = struct.unpack("<HHH", buf[pos + 28 : pos + 34])
        if buf[pos + 46 : pos + 46 + n].decode() == name:
            struct.pack_into(fmt, buf, pos + offset, value)
            return bytes(buf)
        pos += 46 + n + m + k
    raise AssertionError(name)


VALID = {
    "OFD.xml": OFD_XML,
    "Doc_0/Document.xml": _document("Pages/Page_0/Content.xml"),
    "Doc_0/Pages/Page_0/Content.xml": _page(_obj(20, 30, "正文")),
}
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def hostile() -> dict[str, tuple[bytes, str]]:
    """name → (package, words the refusal must contain)."""
    big = f'<ofd:Page xmlns:ofd="{NS}">' + " " * (MAX_PART_BYTES + 1024) + "</ofd:Page>"
    return {
        "not-a-zip": (b"PK\x03\x04\x14\x00garbage that is not a zip archive", "损坏"),
        "no-ofd-xml": (_package({"Doc_0/Document.xml": VALID["Doc_0/Document.xml"]}), "OFD.xml"),
        "zip-bomb-part": (_package({**VALID, "Doc_0/Pages/Page_0/Content.xml": big}), "压缩炸弹"),
        "zip-bomb-total": (
            _patch_central(
                _package({**VALID, "Doc_0/Res/image.png": b"\x89PNG" + bytes(1000)}),
                "Doc_0/Res/image.png",
                24,
                "<I",
                0xF000_0000,
            ),
            "压缩炸弹",
        ),
        "lying-size": (
            _patch_central(_package(VALID), "Doc_0/Pages/Page_0/Content.xml", 24, "<I", 10),
            "损坏",
        ),
        "billion-laughs": (
            _package(
                {
                    **VALID,
                    "Doc_0/Document.xml": LAUGHS
                    + _document("Pages/Page_0/Content.xml").replace("99", "&lol9;"),
                }
            ),
            "DTD",
        ),
        "external-entity": (
            _package(
                {
                    **VALID,
                    "OFD.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    + OFD_XML.split("?>", 1)[1].replace("<ofd:DocID>0", "<ofd:DocID>&xxe;"),
                }
            ),
            "DTD",
        ),
        "traversal-member": (_package({**VALID, "../../etc/cron.d/evil": "x"}), "路径"),
        "traversal-reference": (
            _package({**VALID, "Doc_0/Document.xml": _document("../../../etc/passwd")}),
            "文件包之外",
        ),
        "missing-page": (
            _package({**VALID, "Doc_0/Document.xml": _document("Pages/Page_9/Content.xml")}),
            "找不到",
        ),
        "malformed-xml": (
            _package({**VALID, "Doc_0/Pages/Page_0/Content.xml": "<ofd:Page"}),
            "不是有效的 XML",
        ),
        "no-pages": (_package({**VALID, "Doc_0/Document.xml": _document()}), "没有任何页面"),
        "no-text": (
            _package(
                {
                    **VALID,
                    "Doc_0/Pages/Page_0/Content.xml": _page(
                        '<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="9"/>'
                    ),
                }
            ),
            "没有文字",
        ),
        "encrypted": (_package({**VALID, "Encryptions.xml": "<Encryptions/>"}), "加密"),
        "encrypted-member": (
            _patch_central(_package(VALID), "Doc_0/Pages/Page_0/Content.xml", 8, "<H", 0x1),
            "加密",
        ),
    }


@pytest.fixture(scope="module")
def hostile_ofds() -> dict[str, tuple[bytes, str]]:
    return hostile()


HOSTILE_CASES = (
    "not-a-zip", "no-ofd-xml", "zip-bomb-part", "zip-bomb-total", "lying-size", "billion-laughs",
    "external-entity", "traversal-member", "traversal-reference", "missing-page", "malformed-xml",
    "no-pages", "no-text", "encrypted", "encrypted-member",
)  # fmt: skip


def test_hostile_cases_are_all_tested(hostile_ofds):
    assert sorted(hostile_ofds) == sorted(HOSTILE_CASES)


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_ofd_is_refused_with_a_clear_message(case, hostile_ofds):
    data, words = hostile_ofds[case]
    start = time.perf_counter()
    with pytest.raises(InputError) as exc:
        extract_ofd(data, f"{case}.ofd")
    assert words in str(exc.value)
    assert str(exc.value).startswith(f"{case}.ofd: ")
    assert time.perf_counter() - start < 2, "refused before doing the expensive part"


def test_extract_ofd_refuses_bytes_that_are_not_a_zip():
    with pytest.raises(InputError, match="不是有效的 ZIP"):
        extract_ofd(b"%PDF-1.7 not an ofd", "x.ofd")


def test_cli_reports_each_bad_ofd_and_goes_on(tmp_path, hostile_ofds):
    bad = []
    for case in ("zip-bomb-part", "billion-laughs", "traversal-member", "no-text"):
        p = tmp_path / f"{case}.ofd"
        p.write_bytes(hostile_ofds[case][0])
        bad.append(p)
    good = tmp_path / "good.ofd"
    good.write_bytes(make_ofd(excerpt("pingshun-2023-01.txt", 2883, 2919)))
    r = CliRunner().invoke(app, ["parse", *map(str, bad), str(good), "--format", "jsonl", "--no-parts"])
    assert r.exit_code == 1
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(o["source"], o["format"]) for o in out] == [(str(good), "ofd")]
    assert out[0]["documents"][0]["doc_no"] == "平政发〔2023〕19号"
    for p in bad:
        assert str(p) in r.stderr
    assert "Traceback" not in r.stderr


def test_ingest_refuses_a_hostile_ofd_and_leaves_the_database_untouched(tmp_path, hostile_ofds):
    conn = connect(tmp_path / "a.db")
    good = tmp_path / "good.ofd"
    good.write_bytes(make_ofd(excerpt("pingshun-2023-01.txt", 2883, 2919)))
    assert ingest_file(conn, good).status == "added"
    before = stats(conn)
    for case in ("zip-bomb-total", "external-entity", "traversal-reference", "no-text"):
        p = tmp_path / f"{case}.ofd"
        p.write_bytes(hostile_ofds[case][0])
        report = ingest_file(conn, p)
        assert report.status == "failed" and hostile_ofds[case][1] in report.error
    assert stats(conn) == before


# --------------------------------------------------------------------------------------------------
# HTML: saved 政府信息公开 pages

#: fixture → (sample file, expected 文号, page metadata that must be read, page URL, source_url given)
PAGES = {
    "pingshun-pifu-table.html": (
        "pingshun-2023-01.txt",
        "平政发〔2023〕19号",
        {
            "索引号": "11140425MB1739XXXX/2023-00012",
            "主题分类": "农业、林业、水利",
            "发文机关": "平顺县人民政府",
            "成文日期": "2023年02月23日",
            "标题": "平顺县人民政府关于将县级调控粮变更为县级储备粮的批复",
            "文号": "平政发〔2023〕19号",
            "发布日期": "2023年02月24日",
            "有效性": "有效",
            "公开方式": "主动公开",
            "发布时间": "2023-02-24 09:15",
            "来源": "平顺县人民政府办公室",
        },
        "http://www.pingshun.gov.cn/zwgk/zfxxgkml/xzfwj/202302/t20230224_1001.shtml",
        None,
    ),
    "jishan-jinji-dl-gb2312.html": (
        "jishan-2022-02.txt",
        "稷政办发〔2022〕14号",
        {
            "索引号": "11140824MB0000XXXX/2022-00214",
            "信息分类": "县政府办文件",
            "发布机构": "稷山县人民政府办公室",
            "发文日期": "2022-04-06",
            "文号": "稷政办发〔2022〕14号",
            "公开日期": "2022-04-07",
            "名称": "稷山县人民政府办公室关于进一步做好全县各类市场主体疫情防控工作的紧急通知",
            "时效性": "有效",
        },
        "http://www.jishan.gov.cn/zwgk/xxgkml/xzfbwj/202204/t20220407_2014.html",
        None,
    ),
    "yangcheng-zhengzhao-div.html": (
        "yangcheng-2022-03.txt",
        "阳政发〔2022〕17号",
        {
            "索引号": "11140522MB0000XXXX/2022-01617",
            "主题分类": "工业、交通\\商贸、海关",
            "发文机关": "阳城县人民政府",
            "成文日期": "2022-08-15",
            "发文字号": "阳政发〔2022〕17号",
            "发布日期": "2022-08-19",
            "有效性": "有效",
            "标题": "阳城县人民政府关于进一步深化“证照分离”改革激发市场主体发展活力的通知",
            "来源": "阳城县人民政府办公室",
        },
        # the canonical link is relative: resolved against og:url
        "http://www.yczf.gov.cn/zwgk/zfxxgk/fdzdgknr/zfwj/202208/t20220819_1617.shtml",
        None,
    ),
    "yangcheng-youqi-th-mismatch.html": (
        "yangcheng-2022-03.txt",
        "阳政办发〔2022〕67号",
        {
            "索引号": "11140522MB0000XXXX/2022-02109",
            "主题分类": "安全生产监管",
            "发文机关": "阳城县人民政府办公室",
            "成文日期": "2022年08月15日",
            "文件名称": "阳城县人民政府办公室关于印发阳城县石油天然气管道输送突发事件应急预案和阳城县油气中断事件应急预案的通知",
            "文号": "阳政办发〔2022〕67号",
            "发布日期": "2022年08月16日",
            "公开方式": "主动公开",
            "时效性": "有效",
        },
        "http://www.yczf.gov.cn/zwgk/zfxxgk/fdzdgknr/zfbwj/202208/t20220816_2109.shtml",
        "http://www.yczf.gov.cn/zwgk/zfxxgk/fdzdgknr/zfbwj/202208/t20220816_2109.shtml",
    ),
    "pingshun-guodong-li.html": (
        "pingshun-2023-04.txt",
        "平政办发〔2023〕48号",
        {
            "信息索引号": "11140425MB1739XXXX/2023-01665",
            "发文机关": "平顺县人民政府办公室",
            "发文字号": "平政办发〔2023〕48号",
            "生成日期": "2023-12-25",
            "成文日期": "2023年12月22日",
            "主题分类": "民政、扶贫、救灾",
            "公开方式": "主动公开",
        },
        "http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t20231225_1665.shtml",
        "http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t20231225_1665.shtml",
    ),
}


def test_every_fixture_is_listed():
    assert sorted(p.name for p in HTML.glob("*.html")) == sorted(PAGES)
    assert sum(p.stat().st_size for p in HTML.glob("*.html")) < 100_000


@pytest.mark.parametrize("fixture", sorted(PAGES))
def test_page_metadata_and_the_parsed_document(fixture, expected_documents):
    sample, doc_no, page_meta, url, source_url = PAGES[fixture]
    ext = extract((HTML / fixture).read_bytes(), fixture, source_url=source_url)
    assert ext.format == "html" and ext.page_starts == []
    assert ext.meta["page_meta"] == page_meta  # every field, in page order, values as printed
    assert list(ext.meta["page_meta"]) == list(page_meta)
    assert ext.meta["url"] == url
    result = annotate(parse_text(ext.text, fixture, ext.encoding), ext)
    assert len(result.documents) == 1
    d = result.documents[0]
    expected = next(e for e in expected_documents[sample] if e["doc_no"] == doc_no)
    assert {f: getattr(d, f) for f in DOC_FIELDS} == {f: expected[f] for f in DOC_FIELDS}
    assert d.extra["url"] == url
    # page metadata sits beside the parsed metadata, under the parser's labels
    web = d.extra["web_meta"]
    for label, value in page_meta.items():
        known = _CANONICAL.get(SYNONYMS.get(label, label), SYNONYMS.get(label, label))
        if known in WEB_META_LABELS.split("|") and label not in ("发布时间",):
            assert web[known] == value, label
    # the article is the document, not the page around it
    for noise in (
        "首页",
        "当前位置",
        "您现在的位置",
        "分享",
        "打印",
        "关闭窗口",
        "ICP",
        "版权",
        "相关文件",
        "热点信息",
        "字体",
        "浏览次数",
        "访问量",
        "document.",
        "_hmt",
        "扫一扫",
    ):
        assert noise not in ext.text, noise
    assert ext.text.rstrip().endswith(("（此件公开发布）", "(此件公开发布)", ".pdf"))


def test_page_text_is_metadata_lines_then_the_article():
    # pingshun-2023-01.txt lines 2883-2919 inside a page with a <table> of metadata
    ext = extract_html((HTML / "pingshun-pifu-table.html").read_bytes(), "x.html")
    lines = ext.text.split("\n")
    assert lines[:11] == [
        "索引号：11140425MB1739XXXX/2023-00012",
        "主题分类：农业、林业、水利",
        "发文机关：平顺县人民政府",
        "成文日期：2023年02月23日",
        "标题：平顺县人民政府关于将县级调控粮变更为县级储备粮的批复",
        "文号：平政发〔2023〕19号",
        "发布日期：2023年02月24日",  # the table's; the article bar's 发布时间 is not printed twice
        "有效性：有效",
        "公开方式：主动公开",
        "来源：平顺县人民政府办公室",
        "",
    ]
    article = [ln for ln in excerpt("pingshun-2023-01.txt", 2883, 2919).split("\n") if ln.strip()]
    assert squeeze("".join(lines[11:])) == squeeze("".join(article))
    d = parse_text(ext.text).documents[0]
    assert d.line_start == 12 and d.extra["web_meta"]["索引号"] == "11140425MB1739XXXX/2023-00012"


def test_page_metadata_fills_what_the_article_does_not_print():
    # jishan-2022-02.txt lines 521-553, but the page's article starts at the recipients: the 文号 is only
    # in the page's metadata (line 5 of the output), and the title only in its <h2>
    ext = extract_html((HTML / "jishan-jinji-dl-gb2312.html").read_bytes(), "x.html")
    d = parse_text(ext.text).documents[0]
    assert d.doc_no == "稷政办发〔2022〕14号" and d.sources["doc_no"] == [5, 5]
    assert ext.text.split("\n")[4] == "文号：稷政办发〔2022〕14号"
    assert d.title == "稷山县人民政府办公室关于进一步做好全县各类市场主体疫情防控工作的紧急通知"


def test_a_page_whose_table_disagrees_with_the_document_warns():
    # the page says 成文日期 2022年08月15日; the document is signed 2022年8月12日 (yangcheng-2022-03.txt line 2119)
    path = HTML / "yangcheng-youqi-th-mismatch.html"
    result = parse_file(path, source_url="http://example.gov.cn/a.html")
    d = result.documents[0]
    assert d.signed_date == "2022-08-12"
    warnings = [w for w in d.warnings if w.code == "web_meta_mismatch"]
    assert [w.message for w in warnings] == ["网页元数据“成文日期：2022-08-15”与正文“2022-08-12”不一致"]
    ext = extract_html(path.read_bytes(), str(path))
    assert ext.text.split("\n")[warnings[0].line - 1] == "成文日期：2022年08月15日"
    assert warnings[0] in result.warnings and result.meta["url"] == "http://example.gov.cn/a.html"
    # the other pages agree with their documents
    for fixture in sorted(set(PAGES) - {path.name}):
        assert not [w for w in parse_file(HTML / fixture).warnings if w.code == "web_meta_mismatch"], fixture


def test_encodings_are_detected():
    gb = (HTML / "jishan-jinji-dl-gb2312.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    ext = extract_html(gb, "x.html")
    assert ext.encoding == "html/gb18030" and "稷山县人民政府办公室" in ext.text
    # the same page with no charset declaration at all: detected from the bytes
    bare = gb.replace(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', b"")
    assert b"charset" not in bare
    assert extract_html(bare, "x.html").text == ext.text
    # a page that declares gbk but was re-saved as UTF-8
    utf8 = gb.decode("gb18030").replace("charset=gb2312", "charset=gbk").encode("utf-8")
    assert extract_html(utf8, "x.html").text == ext.text
    # a BOM
    bom = (HTML / "yangcheng-youqi-th-mismatch.html").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and extract_html(bom, "x.html").encoding == "html/utf-8"


def test_url_precedence():
    page = (HTML / "pingshun-pifu-table.html").read_bytes()
    # the page's own canonical link wins over the caller's guess; the guess is kept too
    ext = extract_html(page, "x.html", source_url="http://mirror.example/a.html")
    assert (
        ext.meta["url"].startswith("http://www.pingshun.gov.cn/")
        and ext.meta["source_url"] == "http://mirror.example/a.html"
    )
    assert ext.meta["head_meta"]["PubDate"] == "2023-02-24 09:15"
    bare = (HTML / "pingshun-guodong-li.html").read_bytes()
    assert "url" not in extract_html(bare, "x.html").meta
    # the mark a browser leaves on a saved page counts as the page's own word
    saved = (
        b"<!-- saved from url=(0059)http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t1665.shtml -->\n" + bare
    )
    assert detect(saved) == "html"
    ext = extract_html(saved, "x.html", source_url="http://mirror.example/a.html")
    assert ext.meta["url"] == "http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t1665.shtml"


def test_layouts_read_the_same_fields():
    """The four layouts — td cells, th cells without colons, dl/dt/dd, span pairs, li with <b> labels —
    and letter-spaced labels ("索 引 号", "文　　号", "文&nbsp;&nbsp;号") all give plain labels."""
    for fixture in PAGES:
        meta = extract_html((HTML / fixture).read_bytes(), fixture).meta["page_meta"]
        assert all(label in ALL_LABELS for label in meta), fixture
        assert all(" " not in label and "\u3000" not in label for label in meta), fixture


def test_field_values_split_inside_one_text_node():
    page = (
        "<html><body><div class='info'>发布日期：2023-10-25　　来源：平顺县人民政府办公室　　浏览次数：12</div>"
        "<div class='meta'>信 息 索 引 号：11140425MB1739XXXX/2023-00123  有 效 性：有效</div>"
        "<div id='zoom'><p>平顺县人民政府办公室</p><p>关于印发平顺县重污染天气应急预案的通知</p>"
        "<p>平政办发〔2023〕39号</p><p>各乡、镇人民政府，县直各有关单位：</p>"
        "<p>新修订的《平顺县重污染天气应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。</p>"
        "<p>平顺县人民政府办公室</p><p>2023年10月23日</p></div></body></html>"
    ).encode()
    ext = extract_html(page, "x.html")
    assert ext.meta["page_meta"] == {
        "发布日期": "2023-10-25",
        "来源": "平顺县人民政府办公室",
        "信息索引号": "11140425MB1739XXXX/2023-00123",
        "有效性": "有效",
    }
    assert "浏览次数" not in ext.text and parse_text(ext.text).documents[0].doc_no == "平政办发〔2023〕39号"


#: A short notice for bare layouts: 平政办发〔2023〕39号, pingshun-2023-04.txt lines 425-435 (first sentence
#: of line 431 only, as quoted in tests/test_segment_metadata.py).
NOTICE = (
    "平顺县人民政府办公室关于印发平顺县重污染天气应急预案的通知",
    "各乡、镇人民政府，县直各有关单位：",
    "新修订的《平顺县重污染天气应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。",
    "平顺县人民政府办公室",
    "2023年10月23日",
)


@pytest.mark.parametrize(
    "layout",
    [
        # one <div> per paragraph, no known content class
        "<div class='header'><a href='/'>首页</a></div><div class='main'><div>发布时间：2023-10-25</div>"
        "<div class='text'>{divs}</div></div>",
        # an old table layout: <br>-separated lines in a cell whose class looks like furniture
        "<table><tr><td><a href='/'>网站首页</a></td></tr><tr><td class='bottom-text'><font size=3>{brs}</font>"
        "</td></tr><tr><td>版权所有 平顺县人民政府</td></tr></table>",
    ],
    ids=["div-paragraphs", "br-lines-in-a-furniture-cell"],
)
def test_article_found_without_a_known_container(layout):
    body = layout.format(divs="".join(f"<div>{t}</div>" for t in NOTICE), brs="<br>".join(NOTICE))
    ext = extract_html(f"<html><body>{body}</body></html>".encode(), "x.html")
    assert ext.text.split("\n")[-5:] == list(NOTICE)
    assert "首页" not in ext.text and "版权" not in ext.text
    d = parse_text(ext.text).documents[0]
    assert (d.title, d.signed_date) == (NOTICE[0], "2023-10-23")


def test_metadata_table_inside_the_article_container():
    table = (
        "<table><tr><td>索引号：</td><td>11140425MB1739XXXX/2023-00123</td><td>发文机关：</td>"
        "<td>平顺县人民政府办公室</td></tr><tr><td>成文日期：</td><td>2023-10-23</td><td>文号：</td>"
        "<td>平政办发〔2023〕39号</td></tr></table>"
    )
    paragraphs = "".join(f"<p>{t}</p>" for t in NOTICE) + "<p>名称：附表一</p>"
    ext = extract_html(
        f"<html><body><div id='zoom'>{table}{paragraphs}</div></body></html>".encode(), "x.html"
    )
    assert ext.meta["page_meta"]["文号"] == "平政办发〔2023〕39号"
    lines = ext.text.split("\n")
    assert lines.count("文号：平政办发〔2023〕39号") == 1 and "11140425MB1739XXXX/2023-00123" not in lines
    # once the article has begun, a "label：value" line is the article's
    assert lines[-1] == "名称：附表一" and "名称" not in ext.meta["page_meta"]
    assert parse_text(ext.text).documents[0].doc_no == "平政办发〔2023〕39号"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>\xe5\xb9\xb3\xe9\xa1\xba</title></head></html>",
        b"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>",
        "<html><body><nav><a href='/'>首页</a></nav><script>var a='正文';</script><footer>版权所有</footer></body></html>".encode(),
        b"<html><body><div id='zoom'><img src='scan1.jpg'><img src='scan2.jpg'></div></body></html>",
        "<html><body><table><tr><td>索引号：</td><td>123</td><td>发文机关：</td><td>平顺县人民政府</td></tr></table></body></html>".encode(),
    ],
    ids=["no-body", "empty-body", "only-furniture", "only-images", "only-metadata"],
)
def test_html_with_no_article_is_refused(page):
    assert detect(page) == "html"
    with pytest.raises(InputError, match="正文"):
        extract(page, "x.html")


def test_cli_and_ingest_take_saved_pages(tmp_path):
    url = "http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t20231225_1665.shtml"
    r = CliRunner().invoke(
        app, ["parse", str(HTML / "pingshun-guodong-li.html"), "--source-url", url, "--no-parts"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["format"] == "html" and data["meta"]["url"] == url
    assert data["documents"][0]["doc_no"] == "平政办发〔2023〕48号"
    conn = connect(tmp_path / "a.db")
    reports = [ingest_file(conn, HTML / f) for f in sorted(PAGES)]
    assert [r.status for r in reports] == ["added"] * len(PAGES)
    assert stats(conn)["documents"] == len(PAGES)
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"<html><head><title>x</title></head></html>")
    before = stats(conn)
    assert ingest_file(conn, bad).status == "failed"
    assert stats(conn) == before
