"""The link stage: citations between documents, repeals, validity as of a date, agencies.

Reads parsed documents (and, for resolution, the store); never the web layer.
"""

from gongbao.link.citations import RELATIONS, Citation, extract

__all__ = ["Citation", "RELATIONS", "extract"]
