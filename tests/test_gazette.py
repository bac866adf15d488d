"""Stage 2d: masthead, editorial board, 目录 and the TOC ↔ document cross-check."""

from __future__ import annotations

from gongbao.parse import parse_text

from conftest import parsed, raw_snippet


def test_masthead_with_editorial_board():
    # pingshun-2023-04.txt lines 5-51
    g = parsed("pingshun-2023-04.txt").gazette
    assert (g.name, g.year, g.issue, g.published, g.sponsor) == (
        "平顺县人民政府公报",
        2023,
        4,
        "2023-12-30",
        "平顺县人民政府办公室",
    )
    board = {b["role"]: b["names"] for b in g.editorial_board}
    assert board["委员"] == [
        "张文晓",
        "王林",
        "段彦飞",
        "张宏波",
        "牛璐敏",
        "王鹏",
        "林冬虹",
    ]  # "王 林" is one name
    assert board["编辑"] == ["王丽媛", "程蕙", "曹敏", "桑海彪", "王竹鑫", "牛小利", "申露楠"]


def test_issue_from_running_headers_when_there_is_no_masthead():
    # pingshun-2023-01.txt line 2035: "1 / 2023 平顺县人民政府公报县政府文件"
    g = parsed("pingshun-2023-01.txt").gazette
    assert (g.name, g.year, g.issue, g.toc) == ("平顺县人民政府公报", 2023, 1, [])


def test_toc_entries_wrapped_over_lines_with_sections_and_pages():
    # yangcheng-2022-03.txt lines 61-103: entries over two or three lines, "- " bullets, pages after the 文号
    toc = parsed("yangcheng-2022-03.txt").gazette.toc
    assert len(toc) == 17
    e = toc[4]
    assert (e.section, e.doc_no, e.page, e.line) == (
        "阳城县人民政府办公室文件",
        "阳政办发〔2022〕55号",
        24,
        74,
    )
    assert (
        e.title
        == "阳城县人民政府办公室关于印发阳城县医药储备管理实施办法和阳城县医药储备资金管理实施办法的通知"
    )


def test_toc_cross_check_reports_differences():
    warnings = parsed("pingshun-2023-04.txt").warnings
    mismatch = [w for w in warnings if w.code == "toc_title_mismatch"]
    assert [w.doc_no for w in mismatch] == ["平政办发〔2023〕41号"]  # TOC 工作方案, body 工作实施方案
    # jishan TOC titles omit the issuer; that is not a mismatch
    assert not [w for w in parsed("jishan-2022-02.txt").warnings if w.code.startswith("toc")]


def test_toc_entry_without_document_and_document_missing_from_toc():
    text = raw_snippet("pingshun-2023-04.txt", 1, 80) + "\n" + raw_snippet("pingshun-2023-04.txt", 425, 437)
    r = parse_text(text)
    codes = [w.code for w in r.warnings]
    assert codes.count("toc_missing_document") == 11
    assert [d.doc_no for d in r.documents] == ["平政办发〔2023〕39号"]
    extra = parse_text(
        text
        + "\n平顺县人民政府办公室\n关于某事的通知\n平政办发〔2023〕99号\n各乡、镇人民政府：\n特此通知。\n平顺县人民政府办公室\n2023年12月1日\n"
    )
    assert [w.doc_no for w in extra.warnings if w.code == "document_not_in_toc"] == ["平政办发〔2023〕99号"]
