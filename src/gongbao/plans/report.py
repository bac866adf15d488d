"""A response (from :meth:`Plan.respond`) as the duty officer reads it: plain text, each line cited."""

from __future__ import annotations

from typing import Any


def cite(src: dict[str, Any] | None) -> str:
    return f"〔{src['doc_no']} {src['clause']}〕" if src else ""


def when(item: dict[str, Any]) -> str:
    if item["due"] is None:
        return item["within"]
    return item["due"].replace("T", " ") + (f"（{item['within']}）" if item["within"] else "")


def render_text(res: dict[str, Any]) -> str:
    doc = res["document"]
    out = [f"{res['title']}（{doc['doc_no']}《{doc['title']}》）", f"事发时间：{res['at'].replace('T', ' ')}"]
    g = res["grade"]
    out.append(f"事件等级：{g['label']}  {cite(g['source'])}" if g else "事件等级：未判定")
    lv = res["level"]
    if lv:
        out.append(f"响应级别：{lv['label']}  {cite(lv['source'])}")
        out.append(f"  依据：{lv['why']}")
        out.append(f"  启动：{lv['activated_by']}" + (f"（{lv['procedure']}）" if lv["procedure"] else ""))
        out += [f"  措施：{m['text']}  {cite(m['source'])}" for m in lv["measures"]]
    else:
        out.append("响应级别：未达到县级响应启动条件")
    if res["checklist"]:
        out.append("报告与通知（截止时刻）：")
        for n, c in enumerate(res["checklist"], 1):
            repeat = f"；此后每{c['repeat']}续报" if c["repeat"] else ""
            content = f"：{c['content']}" if c["content"] else ""
            out.append(f"  {n}. [{when(c)}] {c['who']} → {c['to']}{content}{repeat}  {cite(c['source'])}")
    if res["groups"]:
        out.append("工作组：")
        out += [f"  {g['name']}（牵头：{g['lead']}）  {cite(g['source'])}" for g in res["groups"]]
    if res["escalations"]:
        out.append("升级时点：")
        for e in res["escalations"]:
            out.append(
                f"  {e['at'].replace('T', ' ')}（{e['after']}）{e['condition']} → {e['action']}  {cite(e['source'])}"
            )
    t = res["termination"]
    if t:
        out.append(f"响应终止：{t.get('by', '')}  {cite(t.get('source'))}")
    for m in res["missing"]:
        out.append(f"注意：预案未规定{m.get('what', '')}：{m.get('note', '')}  {cite(m.get('source'))}")
    for c in res["conflicts"]:
        out.append(f"注意：{c['message']}")
    for a in res["ambiguities"]:
        out.append(f"注意：原文歧义（{a['source']['clause']}）：{a['problem']} 采用：{a['reading']}")
    out += [f"说明：{n}" for n in res["notes"]]
    return "\n".join(out)
