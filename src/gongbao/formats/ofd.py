"""OFD input (GB/T 33190 版式文档): the text of every page, read from the package's XML.

An OFD is a zip package. ``OFD.xml`` names each document's root (``Doc_0/Document.xml``), which lists the
pages in reading order and the template pages they draw on; each page's ``Content.xml`` holds layers of
``TextObject``\\ s, each with ``TextCode`` runs placed at (X, Y) inside the object's ``Boundary`` (after
its ``CTM``), in millimetres with Y growing downwards. Runs are grouped into printed lines by their
baseline and ordered left to right; gaps between runs become a space, or a tab for a table-cell-sized
gap. The page texts are joined with :func:`gongbao.formats.join_pages`, so the rest of the pipeline
(repair removes running headers and rejoins wrapped lines) works unchanged.

The package is untrusted input: it is never extracted to disk; member names that climb out of the
package (``../``) are refused; declared and actual sizes are capped before anything is decompressed (zip
bombs); any DTD, entity declaration or external reference in the XML is refused with defusedxml's
exceptions (billion laughs, external entities) before the tree is built (see :func:`safe_xml`). Every
refusal is an :class:`~gongbao.errors.InputError` with a Chinese message. Page text comes from
TextCode runs only: a scanned OFD (images, no text) is refused, not OCR'd.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from gongbao.errors import InputError
from gongbao.formats import Extracted, join_pages

#: At most this many members in the package.
MAX_MEMBERS = 100_000
#: Any XML part is refused above this size (declared or actual, uncompressed).
MAX_PART_BYTES = 32 * 1024 * 1024
#: The declared uncompressed size of the whole package (fonts and images included).
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: All XML read from one package, together.
MAX_XML_BYTES = 256 * 1024 * 1024


def _local(tag: Any) -> str:
    """The local name of an element: "{http://www.ofdspec.org/2016}Page" → "Page"."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _floats(value: str | None) -> list[float]:
    if not value:
        return []
    try:
        return [float(v) for v in value.replace(",", " ").split()]
    except ValueError:
        return []


def _forbid_dtd(name, sysid, pubid, has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name, is_parameter, value, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _forbid_unparsed(name, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _forbid_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


_XML_DECL_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._\-]+)(["'])""")
_EXPAT_ENCODINGS = frozenset("utf-8 utf8 utf-16 utf16 iso-8859-1 latin-1 latin1 us-ascii ascii".split())


def _to_utf8(data: bytes) -> bytes:
    """Expat reads UTF-8/16 and Latin-1 only: XML declared in another encoding (GBK, GB18030 …) is
    re-encoded as UTF-8 first."""
    m = _XML_DECL_ENCODING.match(data)
    if not m or m.group(2).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return data
    name = m.group(2).decode("ascii").lower()
    codec = "gb18030" if name in ("gb2312", "gbk", "cp936", "x-gbk") else name
    try:
        text = data[m.end() :].decode(codec)
    except (LookupError, UnicodeDecodeError):
        return data  # let the parser report it
    return m.group(1) + b"UTF-8" + m.group(3) + text.encode("utf-8")


def safe_xml(data: bytes) -> Element:
    """Parse XML, refusing any DTD, entity declaration or external reference.

    These are defusedxml's checks (``forbid_dtd=True``), hooked into expat directly: defusedxml's own
    ElementTree parser builds the tree in pure Python, which is ten times slower on pages written one
    character per object. After the guard pass the document provably has no DTD, so the C ElementTree
    parser cannot expand anything but the five predefined entities.
    """
    data = _to_utf8(data)
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _forbid_dtd
    guard.EntityDeclHandler = _forbid_entity
    guard.UnparsedEntityDeclHandler = _forbid_unparsed
    guard.ExternalEntityRefHandler = _forbid_external
    try:
        guard.Parse(data, True)
    except expat.ExpatError as exc:
        raise ParseError(str(exc)) from None
    return fromstring(data)


_DRIVE = re.compile(r"^[A-Za-z]:")


class _Package:
    """The members of an OFD zip, checked once, read on demand with caps."""

    def __init__(self, data: bytes, source: str):
        self.source = source
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise InputError(
                f"OFD 文件不是有效的 ZIP 包或已损坏 (not a valid OFD/zip: {exc})", source
            ) from None
        if len(infos) > MAX_MEMBERS:
            raise InputError(
                f"OFD 包含的部件过多（{len(infos)} 个，上限 {MAX_MEMBERS}），拒绝读取 (too many members)",
                source,
            )
        total = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
                raise InputError(
                    f"OFD 包含非法的部件路径“{info.filename}”（试图跳出文件包），拒绝读取 (path traversal)",
                    source,
                )
            total += info.file_size
            if info.is_dir():
                continue
            self.members[name] = info
        if total > MAX_TOTAL_BYTES:
            raise InputError(
                f"OFD 解压后总大小 {total / 2**20:.0f} MB 超过上限 {MAX_TOTAL_BYTES / 2**20:.0f} MB，"
                "疑似压缩炸弹，拒绝读取 (uncompressed size over the cap)",
                source,
            )
        self.lower = {n.lower(): n for n in self.members}
        self.read_bytes = 0
        roots = sorted((n for n in self.members if n.rsplit("/", 1)[-1].lower() == "ofd.xml"), key=len)
        if not roots:
            raise InputError("这是 ZIP 文件，但不是 OFD 版式文件（缺少 OFD.xml）(zip, not OFD)", source)
        self.entry = roots[0]
        self.root = posixpath.dirname(self.entry)  # a package zipped inside a folder still reads
        if any(n.rsplit("/", 1)[-1].lower() == "encryptions.xml" for n in self.members):
            raise InputError("OFD 已加密，无法读取；请提供未加密的文件 (encrypted OFD)", source)

    def resolve(self, ref: str | None, base_dir: str, what: str) -> str:
        """The member a reference names: absolute ("/Doc_0/…"), relative to ``base_dir``, or (as some
        producers write them) relative to the package root."""
        ref = (ref or "").strip().replace("\\", "/")
        if not ref:
            raise InputError(f"OFD 结构不完整：{what}缺少路径 (missing reference)", self.source)
        if ref.startswith("/"):
            candidates = [posixpath.join(self.root, ref.lstrip("/"))]
        else:
            candidates = [posixpath.join(base_dir, ref), posixpath.join(self.root, ref)]
        for cand in candidates:
            norm = posixpath.normpath(cand)
            if norm == ".." or norm.startswith(("../", "/")):
                raise InputError(f"OFD 中的引用“{ref}”指向文件包之外，拒绝读取 (path traversal)", self.source)
            found = norm if norm in self.members else self.lower.get(norm.lower())
            if found:
                return found
        raise InputError(f"OFD 结构不完整：找不到{what}“{ref}” (missing part)", self.source)

    def xml(self, name: str) -> Element:
        info = self.members[name]
        if info.flag_bits & 0x1:
            raise InputError("OFD 已加密，无法读取；请提供未加密的文件 (encrypted OFD)", self.source)
        if info.file_size > MAX_PART_BYTES:
            raise InputError(
                f"OFD 部件“{name}”解压后 {info.file_size / 2**20:.1f} MB，超过上限 "
                f"{MAX_PART_BYTES / 2**20:.0f} MB，疑似压缩炸弹，拒绝读取 (part too large)",
                self.source,
            )
        try:
            with self.zf.open(info) as f:
                data = f.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise InputError(f"OFD 部件“{name}”已损坏，无法解压 (damaged part: {exc})", self.source) from None
        if len(data) > MAX_PART_BYTES:
            raise InputError(f"OFD 部件“{name}”解压后超过上限，疑似压缩炸弹 (part too large)", self.source)
        self.read_bytes += len(data)
        if self.read_bytes > MAX_XML_BYTES:
            raise InputError("OFD 中的 XML 总量超过上限，疑似压缩炸弹，拒绝读取 (too much XML)", self.source)
        try:
            return safe_xml(data)
        except DefusedXmlException as exc:
            raise InputError(
                f"OFD 部件“{name}”含有 DTD 或实体声明，出于安全原因拒绝读取 (unsafe XML: {type(exc).__name__})",
                self.source,
            ) from None
        except (ParseError, ValueError) as exc:
            raise InputError(f"OFD 部件“{name}”不是有效的 XML (malformed XML: {exc})", self.source) from None


@dataclass(slots=True)
class Run:
    """Text printed in one stretch: baseline ``y``, from ``x0`` to ``x1`` (mm), character size ``size``."""

    y: float
    x0: float
    x1: float
    size: float
    text: str


def _advance(ch: str) -> float:
    """Nominal advance in em when no DeltaX is given: CJK and full-width 1, narrow characters ½."""
    return 0.5 if ord(ch) < 0x1100 or 0xFF61 <= ord(ch) <= 0xFFDC else 1.0


def _deltas(value: str | None) -> list[float]:
    """A DeltaX/DeltaY list; "g 3 1.5" is three times 1.5."""
    if not value:
        return []
    toks = value.split()
    out: list[float] = []
    i = 0
    try:
        while i < len(toks):
            if toks[i] == "g" and i + 2 < len(toks):
                out.extend([float(toks[i + 2])] * min(int(toks[i + 1]), 100_000))
                i += 3
            else:
                out.append(float(toks[i]))
                i += 1
    except ValueError:
        return []
    return out


def _num(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        return default


def _em_width(text: str) -> float:
    if len(text) == 1:
        o = ord(text)
        return 0.5 if o < 0x1100 or 0xFF61 <= o <= 0xFFDC else 1.0
    return sum(0.5 if ord(ch) < 0x1100 or 0xFF61 <= ord(ch) <= 0xFFDC else 1.0 for ch in text)


def text_runs(obj: Element, ns: str = "") -> list[Run]:
    """The runs of one TextObject, in page coordinates (``ns``: the "{namespace}" of its tags)."""
    get = obj.get
    bx = by = 0.0
    box = get("Boundary")
    if box:
        try:
            bx, by = (float(v) for v in box.split(None, 2)[:2])
        except ValueError:
            pass
    a, b, c, d, e, f = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
    scale = 1.0
    ctm = get("CTM")
    if ctm and len(m := _floats(ctm)) == 6:
        a, b, c, d, e, f = m
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
    size = _num(get("Size"), 3.5)
    em = size * scale
    runs: list[Run] = []
    x = y = 0.0
    code = ns + "TextCode"
    for tc in obj:
        if tc.tag != code:
            continue
        text = tc.text
        if not text or text.isspace():
            continue
        x = _num(tc.get("X"), x)
        y = _num(tc.get("Y"), y)
        dx_attr, dy_attr = tc.get("DeltaX"), tc.get("DeltaY")
        if not dx_attr and not dy_attr:  # the common case: one run at nominal advances
            end = x + _em_width(text) * size
            runs.append(
                Run(b * x + d * y + f + by, a * x + c * y + e + bx, a * end + c * y + e + bx, em, text)
            )
            x = end
            continue
        dx, dy = _deltas(dx_attr), _deltas(dy_attr)
        # Split where the characters' positions jump: a new baseline (vertical or stepped text) or a
        # wide gap (letter-spaced titles, table cells written in one TextCode).
        pieces: list[list] = [[x, y, [], x]]  # start x, y, characters, x of the last character
        cx, cy = x, y
        for i, ch in enumerate(text):
            if i:
                nominal = _advance(text[i - 1]) * size
                step = dx[i - 1] if i - 1 < len(dx) else nominal
                down = dy[i - 1] if i - 1 < len(dy) else 0.0
                cx, cy = cx + step, cy + down
                if abs(down) > 0.3 * size or step > nominal + 0.6 * size or step < -0.1 * size:
                    pieces.append([cx, cy, [], cx])
            pieces[-1][2].append(ch)
            pieces[-1][3] = cx
        for px, py, chars, last in pieces:
            s = "".join(chars)
            if not s.strip():
                continue
            end = last + _advance(s[-1]) * size
            runs.append(
                Run(b * px + d * py + f + by, a * px + c * py + e + bx, a * end + c * py + e + bx, em, s)
            )
        x, y = cx + _advance(text[-1]) * size, cy
    return runs


def page_runs(root: Element) -> list[Run]:
    """Every text run of a page (or template page) Content.xml, wherever it sits in its layers."""
    tag = root.tag if isinstance(root.tag, str) else ""
    ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    content = root.find(ns + "Content")
    if content is None:
        return []
    runs: list[Run] = []
    for obj in content.iter(ns + "TextObject"):
        runs.extend(text_runs(obj, ns))
    return runs


def lines_of(runs: list[Run]) -> list[str]:
    """Runs grouped into printed lines (top to bottom), each ordered left to right."""
    runs = sorted(runs, key=lambda r: (r.y, r.x0))
    lines: list[list[Run]] = []
    base = 0.0
    for r in runs:
        if lines and abs(r.y - base) <= 0.45 * max(r.size, lines[-1][0].size):
            lines[-1].append(r)
        else:
            lines.append([r])
            base = r.y
    out = []
    for line in lines:
        line.sort(key=lambda r: r.x0)
        parts: list[str] = []
        prev: Run | None = None
        for r in line:
            if prev is not None:
                if r.text == prev.text and abs(r.x0 - prev.x0) < 0.3 * r.size:
                    continue  # the same run printed twice (fake bold)
                gap = r.x0 - prev.x1
                em = min(r.size, prev.size)
                if gap > 2.5 * em:
                    parts.append("\t")
                elif gap > 0.35 * em:
                    parts.append(" ")
            parts.append(r.text)
            prev = r
        out.append("".join(parts).rstrip())
    return out


def _doc_info(info: Element | None) -> dict[str, str]:
    keys = {
        "Title": "title",
        "Author": "author",
        "Subject": "subject",
        "Abstract": "abstract",
        "CreationDate": "creation_date",
        "ModDate": "mod_date",
        "Creator": "creator",
        "CreatorVersion": "creator_version",
        "DocID": "doc_id",
    }
    out: dict[str, str] = {}
    if info is None:
        return out
    for el in info:
        key = keys.get(_local(el.tag))
        if key and el.text and el.text.strip():
            out[key] = el.text.strip()
    return out


def ofd_pages(data: bytes, source: str) -> tuple[list[str], dict[str, Any]]:
    """The text of every page, in reading order, and the document information."""
    pkg = _Package(data, source)
    ofd = pkg.xml(pkg.entry)
    if _local(ofd.tag) != "OFD":
        raise InputError("OFD.xml 的根元素不是 OFD，文件无效 (invalid OFD.xml)", source)
    bodies = _children(ofd, "DocBody")
    if not bodies:
        raise InputError("OFD 结构不完整：OFD.xml 中没有 DocBody (no DocBody)", source)
    pages: list[str] = []
    meta: dict[str, Any] = {}
    for body in bodies:
        if not meta:
            meta.update(_doc_info(_child(body, "DocInfo")))
        root_el = _child(body, "DocRoot")
        doc_name = pkg.resolve(root_el.text if root_el is not None else None, pkg.root, "文档根节点 DocRoot")
        doc = pkg.xml(doc_name)
        doc_dir = posixpath.dirname(doc_name)
        templates: dict[str, str] = {}
        common = _child(doc, "CommonData")
        for tpl in _children(common, "TemplatePage") if common is not None else []:
            if tpl.get("ID") and tpl.get("BaseLoc"):
                templates[tpl.get("ID")] = tpl.get("BaseLoc")
        template_runs: dict[str, list[Run]] = {}
        page_list = _child(doc, "Pages")
        for page in _children(page_list, "Page") if page_list is not None else []:
            name = pkg.resolve(page.get("BaseLoc"), doc_dir, "页面")
            root = pkg.xml(name)
            runs = page_runs(root)
            for use in _children(root, "Template"):
                tid = use.get("TemplateID") or ""
                if tid not in templates:
                    continue
                if tid not in template_runs:
                    template_runs[tid] = page_runs(pkg.xml(pkg.resolve(templates[tid], doc_dir, "模板页")))
                runs = runs + template_runs[tid]
            pages.append("\n".join(lines_of(runs)))
    if not pages:
        raise InputError("OFD 没有任何页面 (OFD has no pages)", source)
    meta["pages"] = len(pages)
    return pages, meta


def extract_ofd(data: bytes, source: str) -> Extracted:
    pages, meta = ofd_pages(data, source)
    if not any(p.strip() for p in pages):
        raise InputError("OFD 中没有文字（可能是扫描件，只有图片），无法读取 (no text in OFD)", source)
    text, starts = join_pages(pages)
    return Extracted(text, "ofd", "ofd", starts, meta)
