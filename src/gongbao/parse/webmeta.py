"""The metadata table of a 政府信息公开 page, when a document was copied from one as text.

    索引号：11140425MB1739XXXX/2023-00123    主题分类：城乡建设
    发文机关：平顺县人民政府办公室            成文日期：2023年10月23日
    标题：平顺县人民政府办公室关于印发平顺县重污染天气应急预案的通知
    发文字号：平政办发〔2023〕39号            发布日期：2023年10月25日

Reads: repaired lines (normally those before the first document). Writes: ``{label: (value, raw line)}``
with the labels normalised (文号 → 发文字号, 发布机构 → 发文机关 …).
"""

from __future__ import annotations

from gongbao import patterns as P
from gongbao.text.repair import Line

_CANONICAL = {
    "信息索引号": "索引号",
    "发布机构": "发文机关",
    "发文单位": "发文机关",
    "文号": "发文字号",
    "发文日期": "成文日期",
    "公开日期": "发布日期",
    "名称": "标题",
    "文件名称": "标题",
    "时效性": "有效性",
    "公开范围": "公开方式",
}


def parse_web_meta(lines: list[Line]) -> dict[str, tuple[str, int]]:
    fields: dict[str, tuple[str, int]] = {}
    for line in lines:
        for m in P.WEB_META_FIELD.finditer(line.text):
            label = _CANONICAL.get(m.group("label"), m.group("label"))
            value = m.group("value").strip()
            if value and label not in fields:
                fields[label] = (value, line.start)
    # a lone "标题：…" is too weak a signal: a real table has at least two of its fields
    return fields if len(fields) >= 2 else {}
