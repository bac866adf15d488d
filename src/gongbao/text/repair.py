"""Stage 1 — repair the artefacts of PDF text extraction.

Reads: decoded text (one ``str``). Writes: a :class:`RepairedText` — the raw lines, the page furniture
that was removed, and the repaired *logical lines* (hard-wrapped lines rejoined into paragraphs), each of
which maps every character back to the raw line it came from.

Repair is a list of named steps (see :data:`LINE_STEPS`), applied per raw line, followed by the joining
of wrapped lines. Steps can be switched off for debugging or tests: ``repair(text, skip={"undouble"})``.
The raw text is never modified; ``RepairedText.raw_lines`` keeps it verbatim.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gongbao import patterns as P

# --------------------------------------------------------------------------------------------------
# models


@dataclass(slots=True)
class Line:
    """A repaired logical line: one paragraph, heading, or other unit of text.

    ``sources`` lists ``(offset, raw_line)`` pairs: the raw line (1-based) that begins at each offset of
    ``text``. Use :meth:`raw_line_at` to map a character back to the raw text.
    """

    text: str
    sources: tuple[tuple[int, int], ...]
    page_break: bool = False  # a page break fell before or inside this line
    bold: bool = False  # printed in bold (the extractor doubled it): a title or heading

    @property
    def start(self) -> int:
        return self.sources[0][1]

    @property
    def end(self) -> int:
        return self.sources[-1][1]

    def raw_line_at(self, offset: int) -> int:
        i = bisect_right([o for o, _ in self.sources], offset) - 1
        return self.sources[max(i, 0)][1]

    @property
    def norm(self) -> str:
        """The text with punctuation variants normalised, for matching only."""
        return normalize(self.text)


@dataclass(slots=True)
class Furniture:
    """A raw line removed as page furniture (running header, page number, table rule)."""

    line: int
    kind: str  # "page_number" | "running_header" | "table_rule" | "separator"
    text: str


@dataclass
class RepairedText:
    source: str
    raw_lines: list[str]
    lines: list[Line]
    furniture: list[Furniture] = field(default_factory=list)
    encoding: str = "utf-8"

    def raw_span(self, start: int, end: int) -> str:
        """The raw text of lines ``start``..``end`` (1-based, inclusive)."""
        return "\n".join(self.raw_lines[start - 1 : end])


# --------------------------------------------------------------------------------------------------
# normalisation for matching

_PUNCT_MAP = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ",": "，",
        ":": "：",
        ";": "；",
        "?": "？",
        "!": "！",
        "[": "〔",
        "]": "〕",
        "［": "〔",
        "］": "〕",
        "【": "〔",
        "】": "〕",
        "<": "〈",
        ">": "〉",
        "–": "—",
        "－": "—",
        "―": "—",
        "~": "～",
        "\u3000": " ",
        "Ⅰ": "I",
        "Ⅱ": "II",
        "Ⅲ": "III",
        "Ⅳ": "IV",
        "Ⅴ": "V",
        "Ⅵ": "VI",
        '"': "”",
    }
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９％．", "0123456789%.")


def normalize(text: str) -> str:
    """Normalise punctuation variants for matching (keeps CJK text as is).

    ``( , : ; [2018]`` become ``（ ， ： ； 〔2018〕``; full-width digits become ASCII; Roman numerals
    Ⅲ become III; dashes become —.

    >>> normalize("平政办发[2023]39号(试行)")
    '平政办发〔2023〕39号（试行）'
    """
    return text.translate(_FULLWIDTH_DIGITS).translate(_PUNCT_MAP)


def squeeze(text: str) -> str:
    """``normalize`` and drop all whitespace: the key used to compare titles."""
    return "".join(normalize(text).split())


def despace(text: str) -> str:
    """Drop all whitespace, keeping punctuation as printed: how titles are displayed."""
    return "".join(text.split())


# --------------------------------------------------------------------------------------------------
# per-line steps

_LATEX_SYMBOLS = {
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\times": "×",
    r"\pm": "±",
    r"\cdot": "·",
    r"\sim": "～",
    r"\approx": "≈",
    r"\neq": "≠",
    r"\circ": "°",
    r"\%": "%",
    r"\,": "",
    r"\;": "",
    r"\ ": "",
}
_LATEX_CMD = re.compile(r"\\(?:text|mathrm|mathbf|rm)\{([^}]*)\}")


def _latex_to_text(m: re.Match[str]) -> str:
    s = _LATEX_CMD.sub(r"\1", m.group(1))
    for k in sorted(_LATEX_SYMBOLS, key=len, reverse=True):
        s = s.replace(k, _LATEX_SYMBOLS[k])
    s = s.replace("^{°}", "°").replace("^°", "°")
    return re.sub(r"[{}\s]", "", s)


def strip_markup(line: str) -> str:
    """Remove markup leaked by the extractor.

    >>> strip_markup(r"切碎长度合格率 $\\geq 95\\%$ 、**推进秸秆变饲料**<p>")
    '切碎长度合格率 ≥95% 、推进秸秆变饲料'
    """
    if "$" in line:
        line = P.LATEX_INLINE.sub(_latex_to_text, line)
    if "**" in line or "__" in line:
        line = P.MD_EMPHASIS.sub(r"\2", line)
        line = line.replace("**", "")
    if "<" in line:
        line = P.AUTOLINK.sub(r"\1", line)
        line = P.HTML_TAG.sub(" ", line)
    return P.LIST_BULLET.sub("", line).rstrip()


def _find_doubling(t: str) -> list[str] | None:
    """Split ``t`` into runs each printed twice ("平顺县平顺县" → ["平顺县"]), or None.

    Whitespace between runs is kept as its own run. Longest runs are tried first.
    """
    n = len(t)
    memo: dict[int, list[str] | None] = {}

    def solve(i: int) -> list[str] | None:
        if i == n:
            return []
        if i in memo:
            return memo[i]
        result = None
        if t[i].isspace():
            rest = solve(i + 1)
            result = None if rest is None else [t[i], *rest]
        else:
            for k in range((n - i) // 2, 0, -1):
                if t[i : i + k] == t[i + k : i + 2 * k] and not t[i].isspace():
                    rest = solve(i + 2 * k)
                    if rest is not None:
                        result = [t[i : i + k], *rest]
                        break
        memo[i] = result
        return result

    return solve(0)


def _starts_doubled(t: str) -> bool:
    """Cheap pre-check: does ``t`` begin with some run printed twice?"""
    k = t.find(t[0], 1)
    while 0 < k <= len(t) // 2:
        if t[:k] == t[k : 2 * k]:
            return True
        k = t.find(t[0], k + 1)
    return False


def undouble(line: str) -> str:
    """Undo doubled runs from bold PDF text, leaving genuine reduplication alone.

    >>> undouble("平顺县平顺县““十四五十四五””生态环境保护规划生态环境保护规划")
    '平顺县“十四五”生态环境保护规划'
    >>> undouble("实实 施施 方方 案案")
    '实 施 方 案'
    >>> undouble("清清爽爽")
    '清清爽爽'
    """
    t = line.strip()
    if len(t) < 4 or len(t) > 300 or not _starts_doubled(t):
        return line
    runs = _find_doubling(t)
    if not runs:
        return line
    words = [r for r in runs if not r.isspace()]
    # genuine reduplication ("清清爽爽", "人人") has only one or two one-character runs
    if len(words) < 3 and all(len(r) == 1 for r in words):
        return line
    return "".join(runs)


_SPACE = "[ \u3000]"
#: A run of single CJK characters separated by spaces: "通 知", "实 施 方 案", "王 林".
_LETTER_SPACED = re.compile(rf"(?<![{P.CJK}A-Za-z0-9])[{P.CJK}](?:{_SPACE}+[{P.CJK}](?![{P.CJK}A-Za-z0-9]))+")
#: Spaces between a CJK character and a digit, in either order: "2023 年 10 月", "平顺县 2023".
_CJK_DIGIT_SPACE = re.compile(
    rf"(?<=[{P.CJK}，。、：；（）《》“”]){_SPACE}(?=\d)|(?<=\d){_SPACE}(?=[{P.CJK}％%〕）)])"
)
#: A space inside a bracket or before CJK punctuation: "（ 试行 ）", "≥95% 、".
_BRACKET_SPACE = re.compile(rf"(?<=[（(〔《“]){_SPACE}+|{_SPACE}+(?=[）)〕》”，。、；：！？])")


def collapse_spacing(line: str) -> str:
    """Undo letter-spacing and spaces around numbers; keep spaces that separate words.

    >>> collapse_spacing("第一章 总 则")
    '第一章 总则'
    >>> collapse_spacing("平政发〔2023〕58 号  2023 年 10 月 12 日")
    '平政发〔2023〕58号  2023年10月12日'
    """
    if " " not in line and "\u3000" not in line:
        return line
    line = _LETTER_SPACED.sub(lambda m: re.sub(_SPACE, "", m.group(0)), line)
    line = _CJK_DIGIT_SPACE.sub("", line)
    return _BRACKET_SPACE.sub("", line)


#: The per-line repair steps, in order. Each maps one raw line to its repaired text.
LINE_STEPS: dict[str, Callable[[str], str]] = {
    "strip_markup": strip_markup,
    "undouble": undouble,
    "collapse_spacing": collapse_spacing,
}

# --------------------------------------------------------------------------------------------------
# joining wrapped lines


def display_width(s: str) -> int:
    """Columns ``s`` takes when printed: CJK characters and full-width punctuation count two.

    Characters encoded in three UTF-8 bytes (U+0800 and up) are treated as wide — exact for CJK text
    and fast enough to run on every line.
    """
    return (len(s.encode("utf-8", "surrogatepass")) + len(s)) // 2


_ISSUER_ONLY = re.compile(
    rf"^[{P.CJK}（）()]{{2,30}}(?:人民政府|办公室|委员会|管委会|指挥部|领导小组|局|厅|委|办|院|部|中心|公司)$"
)


def is_structural_start(text: str) -> bool:
    """True if ``text`` begins with an outline marker, so it starts a new paragraph."""
    t = text.lstrip()
    if not t:
        return False
    c = t[0]
    if c == "第":
        return bool(P.ARTICLE_MARK.match(t))
    if c in "（(":
        return bool(P.CN_PAREN.match(t) or P.AR_PAREN.match(t))
    if c in P.CN_DIGITS:
        return bool(P.CN_ITEM.match(t))
    if "①" <= c <= "⑳":
        return True
    if c.isdigit():
        if P.DECIMAL.match(t) or P.AR_ITEM.match(t):
            return True
        return bool(P.DECIMAL_TOP.match(t)) and len(t) <= 16 and not any(ch in t for ch in "，。；：,;")
    if c == "附":
        return bool(P.ATTACHMENT_MARK.match(t)) and ("：" in t[:6] or ":" in t[:6] or len(t) <= 8)
    if c == "【":
        return True
    return False


#: A line that is only a number: a figure label "8.2" or a stray page number.
_LONE_NUMBER = re.compile(r"^\d{1,4}(?:\.\d{1,3})*$")
#: A field label opening a line: "职责:", "主要职责：", "成员单位:", "组 长：".
_LABEL_START = re.compile(rf"^[{P.CJK}]{{2,8}}[:：]\s*\S")
#: An entry of a name list: "李忠贤 县政府办主任", "王亚洲 县行政审批服务局局长".
_NAME_ENTRY = re.compile(rf"^[{P.CJK}]{{2,4}}[ \u3000]+[{P.CJK}]")
#: Words separated by spaces inside CJK text: a field or list ("委员 张文晓 王林"), not running prose.
_SPACED_WORDS = re.compile(rf"[{P.CJK}][ \u3000]+[{P.CJK}]")
#: The end of a TOC entry: "…（平政办发〔2023〕39号）…12".
_TOC_ENTRY_END = re.compile(r"号\s*[）)]\s*[\s.…·]*\d{1,3}$")


def is_meta_line(text: str) -> bool:
    """Lines that stand alone in a 公文: 文号, date, publicity note, issuer signature, TOC section."""
    t = text.strip()
    if len(t) > 70:  # stand-alone lines are short; most body lines are not
        return False
    return bool(
        P.DOC_NO_LINE.match(t)
        or P.DATE_LINE.match(t)
        or P.PUBLICITY.match(t)
        or _ISSUER_ONLY.match(t)
        or P.TOC_HEADING.match(t)
        or (t.startswith("【") and t.endswith("】"))
        or _LONE_NUMBER.match(t)
    )


def _ends_terminal(t: str) -> bool:
    if not t:
        return True
    last = t[-1]
    if last in P.TERMINAL_PUNCT or _TOC_ENTRY_END.search(t):
        return True
    if last in "）)" and len(t) >= 20:
        # "…工作。(责任单位:县市场监管局)" closes a paragraph if the bracket opened on this line
        depth = 0
        for ch in reversed(t):
            if ch in "）)":
                depth += 1
            elif ch in "（(":
                depth -= 1
                if depth == 0:
                    return True
        return False
    return False


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _latin(t: str) -> bool:
    """Mostly Latin letters: "PINGSHUNXIAN RENMIN ZHENGFU GONGBAO"."""
    return len(_ASCII_LETTER.findall(t)) > 0.5 * len(t.replace(" ", ""))


def _unbalanced(t: str) -> bool:
    return (
        t.count("（") + t.count("(") > t.count("）") + t.count(")")
        or t.count("《") > t.count("》")
        or t.count("“") > t.count("”")
    )


@dataclass(slots=True)
class _Piece:
    text: str
    line: int
    page_break: bool
    width: int = 0
    doubled: bool = False  # printed in bold (doubled runs): a title or heading
    meta: bool = False  # a stand-alone line (文号, date, signature …), see is_meta_line
    structural: bool = False  # begins with an outline marker, see is_structural_start

    def __post_init__(self) -> None:
        self.meta = is_meta_line(self.text)
        self.structural = is_structural_start(self.text)


def _reference_widths(pieces: list[_Piece], radius: int = 10) -> list[int | None]:
    """For each piece, the column width of its neighbourhood if the text there is hard-wrapped.

    Hard-wrapped text has most lines at (nearly) the same width; paragraph-per-line text does not.
    """
    widths = [p.width for p in pieces]
    overall = _column_width(widths)  # used where the neighbourhood is too mixed to tell
    refs: list[int | None] = []
    block = 8  # neighbouring lines share one estimate; computing it per line is needlessly slow
    for b0 in range(0, len(pieces), block):
        centre = b0 + block // 2
        ref = _column_width(widths[max(0, centre - radius) : centre + radius + 1])
        refs.extend([ref or overall] * min(block, len(pieces) - b0))
    return refs


def _column_width(widths: list[int]) -> int | None:
    """The common width of ``widths`` if most lines share it (hard-wrapped text), else None."""
    window = [w for w in widths if w >= 16]
    if len(window) < 5:
        return None
    # the most common width, allowing slack for digits, punctuation and indented first lines
    window.sort()
    count, top = max((bisect_right(window, w) - bisect_left(window, w - 5), w) for w in set(window))
    cluster = window[bisect_left(window, top - 3) : bisect_right(window, top)]
    median = cluster[len(cluster) // 2]
    # printed columns are 16 to 55 characters wide; narrower "columns" are just short lines
    return median if count >= 0.45 * len(window) and 32 <= median <= 110 else None


def should_join(a: _Piece, b: _Piece, ref: int | None) -> bool:
    """Decide whether raw line ``b`` continues the paragraph that raw line ``a`` ends.

    Rules, in order: never join into a structural start or around stand-alone lines (文号, dates,
    signatures) or table rows; never join after sentence-final punctuation; join a line that fills the
    column (hard wrap); join a line that ends on an opening bracket or comma; join a long prose line
    broken mid-sentence (page break in paragraph-per-line text).
    """
    at, bt = a.text.strip(), b.text.strip()
    if not at or not bt or "\t" in a.text or "\t" in b.text:
        return False
    if bt.startswith(("（见网络版）", "(见网络版)")):
        return True
    if a.doubled or b.doubled:
        # a bold title printed over several lines continues only into more bold text
        return a.doubled and b.doubled and not _ends_terminal(at)
    if a.meta or b.meta or _ends_terminal(at):
        return False
    if (
        _latin(at)
        or _latin(bt)
        or (not a.structural and _SPACED_WORDS.search(at))
        or (not b.structural and _SPACED_WORDS.search(bt))
    ):
        return False  # masthead fields, name lists, romanised names: "PINGSHUNXIAN RENMIN ZHENGFU GONGBAO"
    full = ref is not None and a.width >= ref - 7  # first lines of paragraphs are indented two characters
    mid_sentence = (
        full and at[-1] not in P.OPEN_PUNCT and any(ch in at for ch in "，、；") and not _ends_terminal(at)
    )
    if b.structural:
        # "…全面消除" + "四、五类危桥": a full prose line runs on even into something that looks like a marker
        return mid_sentence and not bt.startswith("第") and P.CN_ITEM.match(bt) is not None
    if _LABEL_START.match(bt) and at[-1] not in P.OPEN_PUNCT:
        return False  # "主编:杨浩", "职责:负责…" starts a new field
    if not full and _NAME_ENTRY.match(bt):
        return False
    if a.structural and not full and not _unbalanced(at) and at[-1] not in P.OPEN_PUNCT:
        return False  # a short heading: "一、指导思想"
    if full:
        return True
    if at[-1] in P.OPEN_PUNCT or _unbalanced(at):
        return True
    has_prose = any(ch in at for ch in "，。；,;、")
    return has_prose and a.width >= 40


def _join(prev: str, nxt: str) -> str:
    """Concatenate two wrapped pieces, keeping a space only between Latin words."""
    if prev and nxt and prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalpha():
        return prev + " " + nxt
    return prev + nxt


# --------------------------------------------------------------------------------------------------
# the stage


def classify_furniture(raw: str) -> str | None:
    t = raw.strip()
    if not t or len(t) > 60:
        return None
    if P.PAGE_NUMBER.match(t):
        return "page_number"
    if P.RUNNING_HEADER.match(t):
        return "running_header"
    m = P.RUNNING_HEADER_ISSUE.match(t)
    if m and (m.group("issue") or m.group("issue2")):
        return "running_header"
    if P.TABLE_RULE.match(t) and any(ch in t for ch in "-—=|"):
        return "table_rule"
    if P.SEPARATOR.match(t):
        return "separator"
    return None


def repair(
    text: str, source: str = "<text>", encoding: str = "utf-8", skip: Iterable[str] = ()
) -> RepairedText:
    """Run all repair steps over ``text``; see the module docstring."""
    skip = set(skip)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    steps = [(name, f) for name, f in LINE_STEPS.items() if name not in skip]
    furniture: list[Furniture] = []
    pieces: list[_Piece] = []
    pending_break = False
    for no, raw in enumerate(raw_lines, 1):
        if not raw.strip():
            continue
        kind = None if "furniture" in skip else classify_furniture(raw)
        if kind:
            furniture.append(Furniture(no, kind, raw.strip()))
            pending_break = pending_break or kind in ("page_number", "running_header")
            continue
        page_break = pending_break or (raw[:1] == " " and raw[1:2] != " ")
        pending_break = False
        t = raw
        doubled = False
        for name, f in steps:
            before = t
            t = f(t)
            doubled = doubled or (name == "undouble" and t != before)
        t = t.strip()
        if t:
            pieces.append(_Piece(t, no, page_break, display_width(t), doubled))
    lines = _join_pieces(pieces, join="join" not in skip)
    return RepairedText(
        source=source, raw_lines=raw_lines, lines=lines, furniture=furniture, encoding=encoding
    )


def _join_pieces(pieces: list[_Piece], join: bool = True) -> list[Line]:
    refs = _reference_widths(pieces)
    lines: list[Line] = []
    group: list[_Piece] = []

    def flush() -> None:
        if not group:
            return
        text, sources = group[0].text, [(0, group[0].line)]
        for p in group[1:]:
            sources.append((len(text), p.line))
            text = _join(text, p.text)
        lines.append(
            Line(text, tuple(sources), any(p.page_break for p in group), any(p.doubled for p in group))
        )

    for i, p in enumerate(pieces):
        if group and join and should_join(pieces[i - 1], p, refs[i - 1]):
            group.append(p)
            continue
        flush()
        group = [p]
    flush()
    return lines
