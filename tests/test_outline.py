"""Stage 2c: the article tree, on real snippets."""

from __future__ import annotations

from gongbao.parse.outline import build_outline, numbering_problems, walk
from gongbao.text.repair import repair

from conftest import parsed, raw_snippet


def outline_of(name: str, start: int, end: int):
    return build_outline(repair(raw_snippet(name, start, end)).lines)


def test_chapters_and_articles():
    # pingshun-2023-01.txt lines 15-192: 平顺县县级储备粮管理暂行办法, 第一章 … 第三章
    tree = outline_of("pingshun-2023-01.txt", 15, 192)
    chapters = [n for n in tree if n.kind == "章"]
    assert [(c.marker, c.heading) for c in chapters] == [
        ("第一章", "总则"),
        ("第二章", "县级储备粮的计划"),
        ("第三章", "县级储备粮的储存"),
    ]
    assert [a.number for a in chapters[0].children] == list(range(1, 12))
    assert [a.number for a in chapters[1].children] == list(range(12, 17))  # 条 run on across chapters
    art15 = chapters[1].children[3]
    assert art15.id == "ch2/art15" and art15.line_start == 158 and "购贷销还" in art15.text


def test_items_three_levels_deep_and_numbering_error():
    # pingshun-2023-04.txt lines 810-898: 一、…六、 with (一) and 1. (1), and "六、" printed twice
    tree = outline_of("pingshun-2023-04.txt", 810, 898)
    top = [n for n in tree if n.kind == "一、"]
    assert [n.marker for n in top] == ["一、", "二、", "三、", "四、", "五、", "六、", "六、"]
    assert [n.id for n in top][-2:] == ["p6", "p6~2"]
    nested = next(n for n in walk(tree) if n.id == "p4/n8/nn6")
    assert nested.kind == "（1）" and nested.text.startswith("(6)不适合")
    assert numbering_problems(tree) == [(890, "编号重复：“六、”出现两次（第870行、第890行）")]


def test_decimal_outline_of_an_emergency_plan():
    # yangcheng-2022-03.txt lines 617-660: "1 总则", "1.1 编制目的" …
    tree = outline_of("yangcheng-2022-03.txt", 617, 660)
    first = next(n for n in tree if n.kind == "1")
    assert (first.marker, first.heading) == ("1", "总则")
    assert [(c.id, c.heading) for c in first.children][:2] == [
        ("d1/d1.1", "编制目的"),
        ("d1/d1.2", "编制依据"),
    ]


def test_text_is_never_dropped():
    lines = repair(raw_snippet("pingshun-2023-04.txt", 810, 898)).lines
    tree = build_outline(lines)
    kept = "\n".join(n.text for n in walk(tree))
    for line in lines:
        assert line.text in kept


def test_a_year_at_a_line_start_is_not_an_item():
    tree = build_outline(
        repair("一、总体目标\n2023年全县完成造林1万亩。\n二、工作措施\n3.5万元用于补助。\n").lines
    )
    assert [n.marker for n in tree] == ["一、", "二、"]
    assert "2023年" in tree[0].text and "3.5万元" in tree[1].text


def test_every_sample_document_has_an_outline_with_unique_ids():
    for name in ("pingshun-2023-03.txt", "yangcheng-2022-03.txt"):
        for d in parsed(name).documents:
            for p in d.parts:
                ids = [n.id for n in walk(p.outline)]
                assert len(ids) == len(set(ids))
