"""Stage 1: text repair, each step on real snippets (file and line cited), plus the map back to raw lines."""

from __future__ import annotations

from gongbao.text.repair import collapse_spacing, normalize, repair, strip_markup, undouble

from conftest import raw_snippet


def joined(text: str) -> list[str]:
    return [line.text for line in repair(text).lines]


def test_hard_wrap_inside_a_quoted_word_is_rejoined():
    # pingshun-2023-01.txt lines 178-182: "购贷销" / "还" split by the column wrap
    text = raw_snippet("pingshun-2023-01.txt", 178, 182)
    assert joined(text) == [
        "县级储备粮轮换资金的管理，采取“购贷销还”的办法，即轮出时货款全额收贷，轮入时等额发放贷款。"
    ]


def test_running_header_and_page_number_inside_a_sentence():
    # pingshun-2023-01.txt lines 2025-2039: "—— 21" and "1 / 2023 平顺县人民政府公报县政府文件" mid-sentence
    rep = repair(raw_snippet("pingshun-2023-01.txt", 2025, 2039))
    assert "也可以根据工作实际提出召开联席会议的建议" in rep.lines[0].text
    assert "公报" not in rep.lines[0].text and "21" not in rep.lines[0].text
    assert [f.kind for f in rep.furniture] == ["page_number", "running_header"]
    assert rep.lines[0].page_break


def test_doubled_title_runs():
    # pingshun-2023-03.txt line 18, pingshun-2023-01.txt line 4715, line 3071
    assert undouble(
        "平顺县平顺县““十四五十四五””生态环境保护规划生态环境保护规划（（20212021--20252025））"
    ) == ("平顺县“十四五”生态环境保护规划（2021-2025）")
    assert collapse_spacing(undouble("实实 施施 方方 案案")) == "实施方案"
    assert collapse_spacing(undouble("实 施 细 则实 施 细 则")) == "实施细则"
    assert undouble(
        " 平顺县保水环境质量稳定平顺县保水环境质量稳定 20222022——20232023年行动计划年行动计划"
    ) == ("平顺县保水环境质量稳定 2022—2023年行动计划")


def test_genuine_reduplication_survives():
    for text in ("清清爽爽", "人人持证", "天天", "家家户户", "看看"):
        assert undouble(text) == text
    assert joined("全县村容村貌干干净净、清清爽爽。") == ["全县村容村貌干干净净、清清爽爽。"]


def test_letter_spacing_and_number_spacing():
    # pingshun-2023-01.txt line 17, 2924; pingshun-2023-04.txt lines 83 and 91; names from line 17
    assert collapse_spacing("第一章 总 则") == "第一章 总则"
    assert collapse_spacing("通 知") == "通知"
    assert collapse_spacing("平政发〔2023〕58 号") == "平政发〔2023〕58号"
    assert collapse_spacing("2023 年 10 月 12 日") == "2023年10月12日"
    assert collapse_spacing("委员 张文晓 王 林") == "委员 张文晓 王林"
    assert collapse_spacing("平顺县 2023 年统筹") == "平顺县2023年统筹"


def test_leaked_markup():
    # yangcheng-2022-03.txt lines 445, 447, 49, 2531
    assert (
        strip_markup(r"切碎长度合格率 $\geq 95\%$ 、漏切率 $\leq 1.5\%$;")
        == "切碎长度合格率 ≥95% 、漏切率 ≤1.5%;"
    )
    assert (
        strip_markup("利用。**推进秸秆变饲料养畜,减少粮食消耗,**推广")
        == "利用。推进秸秆变饲料养畜,减少粮食消耗,推广"
    )
    assert strip_markup("<http://www.yczf.gov.cn/>") == "http://www.yczf.gov.cn/"
    assert strip_markup("副县长\t<p>县指挥部主要职责：</p>") == "副县长\t 县指挥部主要职责："
    assert (
        strip_markup("- 1.《中华人民共和国气象法》(2016年修订);") == "1.《中华人民共和国气象法》(2016年修订);"
    )


def test_punctuation_variants_normalised_for_matching_only():
    line = repair("平政办发[2023]39号(试行)").lines[0]
    assert line.text == "平政办发[2023]39号(试行)"  # the text keeps what was printed
    assert line.norm == normalize(line.text) == "平政办发〔2023〕39号（试行）"


def test_every_repaired_character_maps_back_to_its_raw_line():
    text = raw_snippet("pingshun-2023-01.txt", 1, 60)
    rep = repair(text)
    for line in rep.lines:
        for offset in range(len(line.text)):
            raw = rep.raw_lines[line.raw_line_at(offset) - 1]
            assert raw.strip(), "maps to a blank line"
        assert line.start <= line.end
    article = next(line for line in rep.lines if line.text.startswith("第四条"))
    assert (article.start, article.end) == (37, 51) or (article.start, article.end) == (37, 45)
    assert article.raw_line_at(article.text.index("格的计划管理")) == 39


def test_no_raw_text_is_lost():
    """Every non-blank raw line is either furniture or the source of some repaired line."""
    rep = repair(raw_snippet("pingshun-2023-03.txt", 1, 400))
    used = {no for line in rep.lines for _, no in line.sources} | {f.line for f in rep.furniture}
    assert used == {i for i, raw in enumerate(rep.raw_lines, 1) if raw.strip()}


def test_steps_can_be_switched_off():
    rep = repair("平顺县平顺县““十四五十四五””规划规划", skip={"undouble"})
    assert rep.lines[0].text == "平顺县平顺县““十四五十四五””规划规划"
