"""A small picture of a document's neighbourhood: what it cites (right) and what cites it (left).

Pure layout: returns nodes and edges with coordinates for the SVG in document.html.
"""

from __future__ import annotations

import math
from typing import Any

WIDTH, HEIGHT = 720, 300
COLOURS = {
    "废止": "#b3261e",
    "部分废止": "#d97706",
    "修订/替代": "#b3261e",
    "依据": "#1d4ed8",
    "贯彻落实": "#15803d",
    "参照": "#7c3aed",
    "其他": "#9ca3af",
}
PRIORITY = {"废止": 0, "修订/替代": 0, "部分废止": 1, "依据": 2, "贯彻落实": 3, "参照": 4, "其他": 5}
MAX_SIDE = 7


def _label(d: dict[str, Any] | None, citation: dict[str, Any]) -> str:
    if d and d.get("doc_no"):
        return d["doc_no"]
    if citation.get("doc_no"):
        return citation["doc_no"]
    title = (d or {}).get("title") or citation.get("title") or ""
    return title[:9] + ("…" if len(title) > 9 else "")


def _side(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in sorted(items, key=lambda c: (PRIORITY.get(c["relation"], 9), c.get(key) is None)):
        other = c.get(key)
        ident = (
            f"doc:{other['id']}"
            if other
            else f"ext:{c['target_key'] if key == 'target' else c['document_id']}"
        )
        if ident not in seen and c["kind"] != "standard":
            seen[ident] = {"label": _label(other, c), "title": (other or {}).get("title") or c.get("title") or c.get("doc_no") or "",
                           "url": (other or {}).get("url"), "relation": c["relation"], "colour": COLOURS.get(c["relation"], "#9ca3af")}  # fmt: skip
    return list(seen.values())[:MAX_SIDE]


def neighbourhood(doc: dict[str, Any]) -> dict[str, Any]:
    links = doc.get("links") or {}
    right = _side(links.get("cites", []), "target")
    left = _side(links.get("cited_by", []), "source")
    cx, cy = WIDTH / 2, HEIGHT / 2

    def place(nodes: list[dict[str, Any]], direction: int) -> None:
        n = len(nodes)
        for i, node in enumerate(nodes):
            angle = (math.pi / 2) * ((i + 0.5) / n * 2 - 1) * 0.85 if n > 1 else 0.0
            node["x"] = cx + direction * 250 * math.cos(angle)
            node["y"] = cy + 120 * math.sin(angle)

    place(right, 1)
    place(left, -1)
    return {"width": WIDTH, "height": HEIGHT, "cx": cx, "cy": cy, "cites": right, "cited_by": left,
            "label": doc.get("doc_no") or doc.get("title", "")[:14], "colours": COLOURS}  # fmt: skip
