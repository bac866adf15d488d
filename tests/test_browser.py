"""A real browser (Debian's chromium, driven by Playwright) searches, opens a document, follows the outline."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from gongbao.serve.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network, as root, without a GPU (see the machine notes in docs/development.md).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(sample_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(
        uvicorn.Config(create_app(sample_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not srv.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(server):
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make browser` (make test does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page()
        yield pg
        browser.close()


def test_search_open_a_document_and_follow_the_outline(server, page):
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("县级政府公报文件库")
    box = page.locator("section.hero input[name=q]")
    box.fill("重污染天气应急预案")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator("li.hit").first
    expect(first.locator(".hit-title")).to_have_text(
        "平顺县人民政府办公室关于印发平顺县重污染天气应急预案的通知"
    )
    expect(first.locator("mark").first).to_be_visible()
    first.locator(".hit-title").click()
    page.wait_for_url("**/doc/*")
    expect(page.locator("dl.meta")).to_contain_text("平政办发〔2023〕39号")
    expect(page.locator("section.attachments")).to_contain_text("仅网络版")
    link = page.locator("nav.outline a", has_text="4.1 响应分级")
    link.click()
    assert page.evaluate("location.hash") == "#n-1-d4/d4.1"
    target = page.locator("[id='n-1-d4/d4.1']")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("响应分级")


def test_doc_no_search_jumps_to_the_document_and_facets_filter(server, page):
    page.goto(server + "/search?q=" + "平政办发[2023]39号")
    expect(page.locator("article.doc h1")).to_have_text(
        "平顺县人民政府办公室关于印发平顺县重污染天气应急预案的通知"
    )
    page.goto(server + "/search?q=应急预案")
    page.get_by_role("link", name="阳城县", exact=True).click()
    expect(page.locator(".chip")).to_contain_text("阳城县")
    metas = page.locator("li.hit .hit-title").all_inner_texts()
    assert metas and all(t.startswith("阳城县") for t in metas)


def test_raw_lines_page_highlights_the_document(server, page):
    page.goto(server + "/search?q=封山禁火令")
    page.locator("li.hit .hit-title").first.click()
    page.locator("dl.meta a", has_text="第 10861").click()
    expect(page.locator("pre.raw .hl").first).to_contain_text("平顺县人民政府封山禁火令")


def test_calculator_form_computes_and_cites_the_clause(server, page):
    page.goto(server + "/rules")
    page.get_by_role("link", name="无劳动能力人员生活补助").click()
    page.get_by_label("年龄（周岁）").fill("80")
    page.get_by_label("脱贫户").select_option("是")
    page.get_by_role("button", name="计算").click()
    expect(page.locator("section.result h2")).to_contain_text("符合条件")
    expect(page.locator("table.amounts")).to_contain_text("1,200 元")
    cite = page.locator("ol.steps a.cite", has_text="一、 4、").first
    cite.click()
    expect(page).to_have_url(re.compile(r"/doc/\d+#n-"))
    anchor = page.url.split("#")[1]
    expect(page.locator(f"[id='{anchor}']")).to_contain_text("每人每月发放100元")


def test_calculator_form_lists_every_input_problem(server, page):
    page.goto(server + "/rules/pingshun-living-allowance?calc=1&age=abc&months=13")
    problems = page.locator("section.problems li")
    expect(problems).to_have_count(2)
    expect(problems.first).to_contain_text("年龄（周岁）")


def test_emergency_response_checklist(server, page):
    page.goto(server + "/respond")
    page.get_by_role("link", name="大面积停电事件应急响应").click()
    page.get_by_label("县电网减供负荷比例").fill("45")
    page.get_by_label("事发时间").fill("2024-03-05T14:20")
    page.get_by_role("button", name="生成响应检查单").click()
    expect(page.locator("section.result")).to_contain_text("Ⅱ级响应")
    expect(page.locator("section.result")).to_contain_text("县指挥部指挥长或副指挥长")
    rows = page.locator("table.checklist tbody tr")
    expect(rows.first).to_contain_text("2024-03-05 14:20")
    page.locator("table.checklist a.cite").first.click()
    expect(page).to_have_url(re.compile(r"/doc/\d+#n-"))
