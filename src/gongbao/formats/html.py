"""Saved 政府信息公开 pages (HTML): the page's metadata table and the article, as pipeline text.

A county's 政府信息公开 page prints a metadata table (索引号, 发文机关, 文号, 成文日期, 发布日期, 主题分类,
有效性 …) in one of several layouts — table rows, ``dl``/``dt``/``dd``, or ``div``\\ s and ``span``\\ s with
labels — around the article, inside navigation, breadcrumbs, share buttons and a footer. The output text
is the metadata as "label：value" lines, in page order, then the article (title, paragraphs as lines,
table rows with tab-separated cells)::

    索引号：11140425MB1739XXXX/2023-00123
    发文机关：平顺县人民政府
    …

    平顺县人民政府关于将县级调控粮变更为县级储备粮的批复
    平政发〔2023〕19号
    县发展改革和科学技术局：
    …

— exactly the shape :mod:`gongbao.parse.webmeta` reads before the first document, so the page's
metadata is applied beside the parsed metadata and disagreements (成文日期, 文号, 发文机关) become
warnings. Labels are printed despaced ("索 引 号" → 索引号) and, where a page uses a synonym the parser
does not know ("发布时间", "发文时间"), under the label it knows. ``Extracted.meta`` keeps the page's own
labels and values (``page_meta``), the page URL (``url``: the canonical link, og:url, the browser's
"saved from url" mark, else the ``source_url`` argument), the page ``<title>`` and the CMS ``<meta>``
tags (ArticleTitle, PubDate …).
"""

from __future__ import annotations

import codecs
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from gongbao import patterns as P
from gongbao.errors import InputError
from gongbao.formats import Extracted
from gongbao.text.decode import decode_bytes
from gongbao.text.repair import squeeze

# --- encodings ---------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_WIDEN = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
}


def decode_html(data: bytes, source: str) -> tuple[str, str]:
    """The page's text and its encoding: BOM, then UTF-8 if the bytes are valid UTF-8 (a page that
    declares gb2312 but was re-saved as UTF-8 is common), then the declared charset (gb2312/gbk are read
    as their superset GB18030), then GB18030, then detection from the content."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode("utf-8-sig" if name == "utf-8" else name), name
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii").lower() if m else None
    for enc in (_WIDEN.get(declared, declared) if declared else None, "gb18030"):
        if not enc:
            continue
        try:
            return data.decode(enc), codecs.lookup(enc).name
        except (UnicodeDecodeError, LookupError):
            continue
    return decode_bytes(data, source)


# --- labels of the metadata table --------------------------------------------------------------------

#: Labels the parser's web-metadata reader knows (gongbao.patterns.WEB_META_LABELS).
KNOWN_LABELS = P.WEB_META_LABELS.split("|")
#: Synonyms pages use, printed under the label the parser knows.
SYNONYMS = {
    "发布时间": "发布日期",
    "公开时间": "发布日期",
    "发文时间": "成文日期",
    "成文时间": "成文日期",
    "印发日期": "成文日期",
    "发布机关": "发文机关",
    "发文机构": "发文机关",
    "制发机关": "发文机关",
    "效力状态": "有效性",
    "文件标题": "标题",
}
#: Other fields of such tables: kept in the page metadata, printed as they are.
OTHER_LABELS = [
    "主题词", "关键词", "关键字", "体裁分类", "组配分类", "服务对象", "信息来源", "来源", "生成日期",
    "文种", "公文种类", "信息分类", "所属主题", "所属机构", "机构分类", "内容概述", "摘要", "统一编号",
    "登记号", "有效期", "失效日期", "责任部门", "信息类别",
]  # fmt: skip
ALL_LABELS = sorted(set(KNOWN_LABELS) | set(SYNONYMS) | set(OTHER_LABELS), key=len, reverse=True)
_SP = r"[\s\u3000\xa0]*"
_LABEL_ALT = "|".join(_SP.join(map(re.escape, label)) for label in ALL_LABELS)
#: A token that begins with a label: "索 引 号：", "发文机关:平顺县人民政府", "【发布日期】".
_LABEL_START = re.compile(rf"^{_SP}[【\[]?(?P<label>{_LABEL_ALT}){_SP}[】\]]?{_SP}(?P<colon>[:：])?{_SP}")
_WORD_COLON = rf"[【\[]?[\u4e00-\u9fff](?:{_SP}[\u4e00-\u9fff]){{1,5}}{_SP}[】\]]?{_SP}[:：]"
#: Where a field starts inside a text node ("发布日期：2023-10-25　来源：县政府办　浏览次数：12"): a label, or
#: any short word and a colon, at the start or after whitespace. Matches are found left to right, so a
#: letter-spaced label ("信 息 索 引 号：") is taken whole, never split at an inner space.
_FIELD_START = re.compile(
    rf"(?:^|(?<=[\s\u3000\xa0]))(?:[【\[]?(?:{_LABEL_ALT}){_SP}[】\]]?{_SP}[:：]|{_WORD_COLON})"
)
_OTHER_FIELD = re.compile(rf"^{_SP}{_WORD_COLON}")
_WS = re.compile(r"[\s\u3000\xa0]+")


def _despace(s: str) -> str:
    return _WS.sub("", s)


# --- the DOM -------------------------------------------------------------------------------------------

_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody "
    "td tfoot th thead tr ul".split()
)
_DROP_TAG_SET = frozenset(
    "script style noscript template iframe object embed svg canvas button select input textarea nav aside "
    "footer map audio video".split()
)
#: Class/id words of page furniture: navigation, breadcrumbs, share buttons, footers, sidebars …
_NOISE_WORDS = frozenset(
    "nav navbar navi menu menus mainmenu subnav breadcrumb breadcrumbs crumb crumbs bread position location "
    "dqwz weizhi wz curpos current-position footer foot copyright share bdshare fenxiang jiathis social "
    "related relate xgwz xgwj xglj xgxx relevant sidebar side friendlink links yqlj qrcode ewm toolbar tools "
    "print dayin pagination pager fanye comment search login topbar skip wza header head top banner logo "
    "bottom".split()
)
_SPLIT_WORDS = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_CONTENT_SELECTORS = (
    "#UCAP-CONTENT", ".TRS_Editor", ".TRS_UEDITOR", ".trs_editor_view", "#zoom", ".zoom", "#Zoom",
    "#fontzoom", ".article-content", ".article_content", ".articleContent", ".art_con", ".art-con",
    ".pages_content", ".detail-content", ".details-content", ".news_content", ".news-content",
    ".content_text", ".xxgk_content", ".wzy_content", "#vsb_content", ".v_news_content", ".article-body",
    "#article_content", ".zhengwen", "#zhengwen", ".zw", "#zw", "article",
)  # fmt: skip
_HEAD_META = (
    "ArticleTitle", "PubDate", "ContentSource", "SiteName", "SiteDomain", "SiteIDCode", "ColumnName",
    "ColumnType", "ColumnKeywords", "Keywords", "Description", "Author", "Url",
)  # fmt: skip
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk(s: str) -> int:
    return len(_CJK.findall(s))


def _words(node: LexborNode) -> set[str]:
    attrs = node.attributes
    raw = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return {w.lower() for w in _SPLIT_WORDS.split(raw) if w}


def _hidden(node: LexborNode) -> bool:
    style = (node.attributes.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or "hidden" in node.attributes


_LABEL_COLON = re.compile(rf"(?P<label>{_LABEL_ALT}){_SP}[:：]")


def _label_hits(text: str) -> int:
    """How many different metadata labels (followed by a colon) ``text`` holds."""
    return len({_despace(m.group("label")) for m in _LABEL_COLON.finditer(text)})


def _is_noise(node: LexborNode, aggressive: bool = True) -> bool:
    tag = node.tag
    if tag in _DROP_TAG_SET:
        # a metadata table inside an <aside> is still the metadata table
        return tag not in ("nav", "aside", "footer") or _label_hits(node.text()) < 2
    if tag == "a" and (node.attributes.get("href") or "").lower().startswith("javascript"):
        return True  # 【打印本页】【关闭窗口】
    if _hidden(node):
        return True
    if not aggressive or not (_words(node) & _NOISE_WORDS):
        return False
    # keep anything that holds the article's title, the metadata table or article-sized text
    if node.css_first("h1") is not None or any(node.css_first(s) for s in _CONTENT_SELECTORS[:-1]):
        return False
    text = node.text()
    if _label_hits(text) >= 2:
        return False
    # navigation and related-article lists are links; an article is mostly text outside links
    linked = sum(_cjk(a.text()) for a in node.css("a"))
    return _cjk(text) - linked < 150


def _remove_noise(body: LexborNode, aggressive: bool = True) -> None:
    """Drop scripts, navigation, footers, hidden elements and — if ``aggressive`` — elements whose
    class or id names page furniture (breadcrumbs, share buttons, sidebars …), outermost first."""
    drop: list[LexborNode] = []
    dropped: set[int] = set()
    for node in body.traverse():
        if node.tag in ("body", "html", "-text", "-comment"):
            continue
        p, inside = node.parent, False
        while p is not None:
            if p.mem_id in dropped:
                inside = True
                break
            p = p.parent
        if not inside and _is_noise(node, aggressive):
            drop.append(node)
            dropped.add(node.mem_id)
    for node in drop:
        node.decompose()


def _block_of(node: LexborNode) -> tuple[int, str]:
    """The nearest block-level ancestor (id, tag) of a text node."""
    p = node.parent
    while p is not None and p.tag not in _BLOCK:
        p = p.parent
    return (p.mem_id, p.tag) if p is not None else (0, "")


_INLINE_TEXT = frozenset("p -text font span b strong em i u a h1 h2 h3 h4 h5 h6 center".split())
_BLOCKS_INSIDE = (
    "p, div, section, article, table, ul, ol, dl, li"  # lexbor's css() matches the node itself too
)


def _paragraph_score(node: LexborNode) -> int:
    """CJK characters in ``node``'s own paragraphs: text and inline children, <p>s, and child blocks
    that hold no blocks themselves (a page written as one <div> per paragraph)."""
    score = 0
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            score += _cjk(child.text_content or "")
        elif tag in _INLINE_TEXT or (tag in ("div", "section") and len(child.css(_BLOCKS_INSIDE)) == 1):
            score += _cjk(child.text())
    return score


def _choose_content(body: LexborNode) -> LexborNode:
    """The article: a known content container of the common CMSs, else the element with the most
    paragraph text of its own."""
    for sel in _CONTENT_SELECTORS:
        for node in body.css(sel):
            if _cjk(node.text()) >= 30:
                return node
    best, best_score = body, 0
    for node in body.traverse():
        if node.tag not in ("div", "td", "section", "article", "main", "center", "body"):
            continue
        score = _paragraph_score(node)
        if score > best_score:
            best, best_score = node, score
    return best if best_score >= 30 else body


# --- metadata -----------------------------------------------------------------------------------------


class _Tok:
    """A piece of a text node: its text, block (id and tag), text node id, and whether it is in the article."""

    __slots__ = ("text", "block", "tag", "node", "in_content")

    def __init__(self, text: str, block: int, tag: str, node: int, in_content: bool):
        self.text, self.block, self.tag, self.node, self.in_content = text, block, tag, node, in_content


def _tokens(body: LexborNode, content_ids: set[int]) -> list[_Tok]:
    toks: list[_Tok] = []
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = node.text_content or ""
        if not text.strip():
            continue
        (block, tag), nid = _block_of(node), node.mem_id
        cuts = [m.start() for m in _FIELD_START.finditer(text) if m.start() > 0]
        for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
            if text[a:b].strip():
                toks.append(_Tok(text[a:b], block, tag, nid, nid in content_ids))
    return toks


def read_page_meta(toks: list[_Tok]) -> tuple[list[tuple[str, str]], set[int]]:
    """The page's "label: value" fields in page order, and the text nodes they were read from.

    A value is the rest of the label's text, then the text after it in the same block; a label alone in
    its cell (``<td>索引号：</td><td>…</td>``, ``<dt>…</dt><dd>…</dd>``) takes the next block's text.
    Inside the article, fields are read only before its text begins.
    """
    fields: list[tuple[str, str]] = []
    used: set[int] = set()
    consumed: list[_Tok] = []
    article_started = False
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        if tok.in_content and article_started:
            i += 1
            continue
        m = _LABEL_START.match(tok.text)
        rest = tok.text[m.end() :] if m else ""
        if m and not m.group("colon") and (rest.strip() or tok.tag not in ("th", "td", "dt")):
            m = None  # without a colon, only a table or list cell holding just the label is a label
        if not m:
            if tok.in_content and len(tok.text.strip()) >= 30:
                article_started = True
            i += 1
            continue
        label = _despace(m.group("label"))
        parts, taken = [rest], [tok]
        j = i + 1
        while j < n and toks[j].block == tok.block and not _OTHER_FIELD.match(toks[j].text):
            parts.append(toks[j].text)
            taken.append(toks[j])
            j += 1
        value = _WS.sub(" ", "".join(parts)).strip()
        if (
            not value
            and j < n
            and not _OTHER_FIELD.match(toks[j].text)
            and not _LABEL_START.match(toks[j].text)
        ):
            block = toks[j].block
            while j < n and toks[j].block == block and not _OTHER_FIELD.match(toks[j].text):
                parts.append(toks[j].text)
                taken.append(toks[j])
                j += 1
            value = _WS.sub(" ", "".join(parts)).strip()
        value = value.strip(" 　;；,，")
        if value and label not in used:
            fields.append((label, value))
            used.add(label)
        consumed.extend(taken)
        i = j
    # A text node is dropped from the article only if every piece of it was read as metadata.
    pieces: dict[int, int] = {}
    for t in toks:
        pieces[t.node] = pieces.get(t.node, 0) + 1
    eaten: dict[int, int] = {}
    for t in consumed:
        eaten[t.node] = eaten.get(t.node, 0) + 1
    return fields, {nid for nid, k in eaten.items() if k == pieces[nid]}


# --- article text -------------------------------------------------------------------------------------


def _render(node: LexborNode, out: list[str], skip: set[int]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            if child.mem_id not in skip:
                out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in ("td", "th"):
            _render(child, out, skip)
            out.append("\t")
        elif tag in _BLOCK:
            out.append("\n")
            _render(child, out, skip)
            out.append("\n")
        elif tag in ("-comment", "img", "hr"):
            continue
        else:
            _render(child, out, skip)


_TABS = re.compile(r"[ \t]*\t[ \t]*")


def article_lines(node: LexborNode, skip: set[int]) -> list[str]:
    out: list[str] = []
    _render(node, out, skip)
    lines = []
    for raw in "".join(out).split("\n"):
        line = raw.replace("\xa0", " ").replace("\u3000", " ").replace("\r", " ")
        line = _TABS.sub("\t", re.sub(r"[ \f\v]+", " ", line)).strip(" \t")
        line = re.sub(r"\t{2,}", "\t", line)
        if line:
            lines.append(line)
    return lines


# --- the page -----------------------------------------------------------------------------------------


#: The mark browsers put on a saved page: "<!-- saved from url=(0061)http://www.pingshun.gov.cn/… -->".
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)


def _head(tree: LexborHTMLParser) -> dict[str, Any]:
    head: dict[str, Any] = {}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        head["page_title"] = _WS.sub(" ", title.text(strip=True))
    for link in tree.css("link[rel]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split() and link.attributes.get("href"):
            head.setdefault("canonical", link.attributes["href"].strip())
    cms: dict[str, str] = {}
    for meta in tree.css("meta"):
        a = meta.attributes
        content = (a.get("content") or "").strip()
        if not content:
            continue
        if (a.get("property") or "").lower() == "og:url":
            head.setdefault("og_url", content)
        name = a.get("name") or ""
        for key in _HEAD_META:
            if name.lower() == key.lower():
                cms.setdefault(key, content)
    if cms:
        head["head_meta"] = cms
    return head


_TITLE_LABELS = ("标题", "名称", "文件名称", "文件标题")


def _title(body: LexborNode, head: dict[str, Any], fields: list[tuple[str, str]]) -> str | None:
    """The article's title: a heading on the page that the page's own data confirms (ArticleTitle, the
    table's 标题, the <title>), else that data, else the first <h1>."""
    evidence = [head.get("head_meta", {}).get("ArticleTitle")]
    evidence += [value for label, value in fields if label in _TITLE_LABELS]
    evidence = [_WS.sub("", e) for e in evidence if e]
    page_title = _WS.sub("", head.get("page_title") or "")
    headings = []
    for node in body.css("h1, .title, .article-title, .article_title, #title, .tit, .bt, .biaoti, h2, h3"):
        t = _WS.sub("", node.text())
        if _cjk(t) >= 6 and not _LABEL_START.match(t) and t not in headings:
            headings.append(t)
    for t in headings:
        k = squeeze(t)
        if any(k in squeeze(e) or squeeze(e) in k for e in evidence) or (
            page_title and k in squeeze(page_title)
        ):
            return t
    if evidence:
        return evidence[0]
    if headings and body.css_first("h1") is not None:
        return _WS.sub("", body.css_first("h1").text()) or None
    if page_title:
        return re.split(r"[_|｜]|-(?=[^-]*$)", head["page_title"])[0].strip() or None
    return None


def _read(text: str, aggressive: bool) -> tuple[dict[str, Any], list[tuple[str, str]], str | None, list[str]]:
    """One reading of the page: head data, metadata fields, title, article lines."""
    tree = LexborHTMLParser(text)
    body = tree.body
    head = _head(tree)
    if body is None:
        return head, [], None, []
    _remove_noise(body, aggressive)
    content = _choose_content(body)
    content_ids = {n.mem_id for n in content.traverse(include_text=True) if n.tag == "-text"}
    fields, used_nodes = read_page_meta(_tokens(body, content_ids))
    return head, fields, _title(body, head, fields), article_lines(content, used_nodes)


def _article_size(lines: list[str]) -> int:
    return sum(_cjk(line) for line in lines)


def extract_html(data: bytes, source: str, source_url: str | None = None) -> Extracted:
    """A saved 政府信息公开 page → its metadata lines and article text; see the module docstring."""
    text, encoding = decode_html(data, source)
    body = LexborHTMLParser(text).body
    if body is None or not body.text(strip=True):
        raise InputError("网页没有正文（<body> 为空），无法解析 (HTML page has no body)", source)
    head, fields, title, lines = _read(text, aggressive=True)
    if _article_size(lines) < 50:
        # little left: a class name taken for furniture may have held the article ("wz", "bottom" …)
        second = _read(text, aggressive=False)
        if _article_size(second[3]) > _article_size(lines):
            head, fields, title, lines = second
    if not any(_cjk(line) for line in lines):
        raise InputError(
            "网页中找不到正文（可能只有图片或附件链接），无法解析 (no article text in the HTML page)", source
        )
    if title and squeeze(title) not in squeeze("".join(lines[:6])):
        lines.insert(0, title)
    meta_lines, shown = [], set()
    for label, value in fields:  # one line per field the parser knows, under its label; first one wins
        name = SYNONYMS.get(label, label)
        if name not in shown:
            meta_lines.append(f"{name}：{value}")
            shown.add(name)
    out = "\n".join(meta_lines + ([""] if meta_lines else []) + lines)
    saved_from = _SAVED_FROM.search(text[:4096])
    if saved_from:
        head["saved_from"] = saved_from.group(1)
    # what the page says it is, then where the browser saved it from, then what the caller says
    url = head.get("canonical") or head.get("og_url") or head.get("saved_from") or source_url
    base = head.get("og_url") or head.get("saved_from") or source_url
    if url and base and not urlsplit(url).scheme:
        url = urljoin(base, url)  # a relative canonical link
    meta: dict[str, Any] = {"page_meta": dict(fields)}
    if url:
        meta["url"] = url
    if title:
        meta["title"] = title
    for key in ("page_title", "canonical", "og_url", "saved_from", "head_meta"):
        if key in head:
            meta[key] = head[key]
    if source_url:
        meta["source_url"] = source_url
    return Extracted(out, f"html/{encoding}", "html", [], meta)
