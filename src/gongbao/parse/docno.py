"""文号 parsing and normalisation: "平政办发[2023]39号" → 平政办发〔2023〕39号."""

from __future__ import annotations

from gongbao import patterns as P
from gongbao.parse.models import DocNo


def parse_doc_no(text: str, whole: bool = False) -> DocNo | None:
    """Find a 文号 in ``text`` (or require ``text`` to be one, with ``whole=True``).

    Accepts the bracket variants 〔〕 [] （） () 【】, spaces anywhere, and the bracketless form typed in a
    search box ("平政办发 2023 39号").

    >>> str(parse_doc_no("平政办发 [2023] 39 号"))
    '平政办发〔2023〕39号'
    >>> str(parse_doc_no("平政办发 2023 39号", whole=True))
    '平政办发〔2023〕39号'
    """
    t = text.strip()
    m = (P.DOC_NO_LINE.match(t) if whole else P.DOC_NO.search(t)) or (
        P.DOC_NO_LOOSE.match(t) if whole else None
    )
    if not m:
        return None
    prefix = "".join(m.group("prefix").split())
    return DocNo(prefix=prefix, year=int(m.group("year")), serial=int(m.group("serial")))


def normalize_doc_no(text: str) -> str | None:
    """The canonical spelling of a 文号 written any way, or None."""
    d = parse_doc_no(text, whole=True)
    return str(d) if d else None
