"""Every API route and HTML page, the error envelope, and HTML escaping of document text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gongbao.serve.app import create_app
from gongbao.store.db import connect
from gongbao.store.ingest import ingest_file

from conftest import raw_snippet


@pytest.fixture(scope="module")
def client(sample_db):
    return TestClient(create_app(sample_db), raise_server_exceptions=False)


def doc_id(client, doc_no: str) -> int:
    return client.get(f"/api/doc-no/{doc_no}").json()["id"]


def test_search_api(client):
    r = client.get("/api/documents", params={"q": "重污染天气", "county": "平顺县", "per_page": 5})
    assert r.status_code == 200
    data = r.json()
    assert data["hits"][0]["doc_no"] == "平政办发〔2023〕39号"
    for key in ("doc_no", "title", "issuer", "signed_date", "score", "snippet", "url"):
        assert key in data["hits"][0]
    assert set(data["facets"]) == {
        "county",
        "issuer",
        "doc_type",
        "kind",
        "publicity",
        "gazette",
        "year",
        "validity",
    }
    assert data["total"] <= 5 or len(data["hits"]) == 5


def test_document_api_has_metadata_structure_and_raw_line_references(client):
    d = client.get(f"/api/documents/{doc_id(client, '平政发〔2023〕3号')}").json()
    assert (d["issuer"], d["signed_date"], d["main_text"]["kind"]) == ("平顺县人民政府", "2023-02-07", "办法")
    main = next(p for p in d["parts"] if p["role"] == "main_text")
    chapter = main["outline"][0]
    assert (chapter["id"], chapter["marker"], chapter["heading"]) == ("ch1", "第一章", "总则")
    assert chapter["children"][0]["id"] == "ch1/art1"
    assert d["source"]["url"] == f"/source/{d['source']['id']}?from=1&to=573"
    lines = client.get(f"/api/sources/{d['source']['id']}/lines", params={"start": 4, "end": 4}).json()
    assert lines["lines"] == ["平政发〔2023〕3号"]


def test_doc_no_lookup_in_any_spelling(client):
    for variant in ("平政办发〔2023〕39号", "平政办发[2023]39号", "平政办发(2023)39号"):
        assert client.get(f"/api/doc-no/{variant}").json()["doc_no"] == "平政办发〔2023〕39号"
    assert client.get("/api/doc-no/平政办发〔2099〕1号").status_code == 404


def test_gazettes_and_issuers(client):
    gazettes = client.get("/api/gazettes").json()
    assert len(gazettes) == 5
    yangcheng = next(g for g in gazettes if g["county"] == "阳城县")
    g = client.get(f"/api/gazettes/{yangcheng['id']}").json()
    assert (g["year"], g["issue"], g["total_issue"], len(g["toc"]), len(g["documents"])) == (
        2022,
        3,
        5,
        17,
        17,
    )
    assert all(e["document_id"] for e in g["toc"])
    issuers = client.get("/api/issuers").json()
    assert {"issuer": "平顺县人民政府办公室", "county": "平顺县", "documents": 30} in issuers


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/documents/999999", 404),
        ("/api/gazettes/999999", 404),
        ("/api/sources/999999/lines", 404),
        ("/api/documents?page=0", 400),
        ("/api/documents?per_page=1000", 400),
        ("/api/documents?date_from=2023-13", 400),
        ("/api/documents?gazette=abc", 400),
        ("/api/documents?q=" + "长" * 201, 400),
        ("/api/documents/abc", 400),
    ],
)
def test_errors_share_one_envelope(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["status"] == status and err["message"] and err["code"]


@pytest.mark.parametrize("q", ['"', "NEAR(", "a OR", "*", ")(", "平顺 AND", "\\", "%", "_"])
def test_hostile_queries_never_500(client, q):
    assert client.get("/api/documents", params={"q": q}).status_code == 200
    assert client.get("/search", params={"q": q}).status_code == 200


def test_html_pages(client):
    home = client.get("/")
    assert home.status_code == 200 and "公报文件库" in home.text and "已收录 5 期公报、80 件文件" in home.text
    results = client.get("/search", params={"q": "储备粮"})
    assert (
        "平顺县人民政府关于印发平顺县县级储备粮管理暂行办法的通知" in results.text
        and "<mark>" in results.text
    )
    jump = client.get("/search", params={"q": "平政办发[2023]39号"}, follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"].startswith("/doc/")
    doc = client.get(jump.headers["location"])
    assert "仅网络版" in doc.text and "重污染天气应急预案" in doc.text and 'href="#n-1-d1"' in doc.text
    gid = client.get("/api/gazettes").json()[0]["id"]
    assert "目 录" in client.get(f"/gazette/{gid}").text
    src = client.get("/source/1", params={"from": 5, "to": 6})
    assert src.status_code == 200 and 'class="hl"' in src.text
    assert "发文机关" in client.get("/issuers").text
    missing = client.get("/doc/999999")
    assert missing.status_code == 404 and "找不到页面" in missing.text
    assert client.get("/docs").status_code == 200 and "/openapi.json" in client.get("/docs").text
    assert client.get("/openapi.json").json()["paths"]["/api/documents"]


def test_document_text_is_escaped(tmp_path):
    db = tmp_path / "x.db"
    f = tmp_path / "evil.txt"
    f.write_text(
        raw_snippet("pingshun-2023-04.txt", 1665, 1675).replace(
            "为深入贯彻落实", "<script>alert('x')</script>为深入贯彻落实"
        ),
        encoding="utf-8",
    )
    conn = connect(db)
    assert ingest_file(conn, f).status == "added"
    conn.close()
    c = TestClient(create_app(db))
    page = c.get("/doc/1").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    hits = c.get("/search", params={"q": "script"}).text
    assert "<script>alert" not in hits


def test_links_status_and_agencies_routes(client):
    s = client.get("/api/status/平政办发[2018]61号", params={"as_of": "2024-01-01"}).json()
    assert (
        s["status"] == "已废止"
        and s["by"]["doc_no"] == "平政办发〔2023〕39号"
        and s["external"]["doc_no"] == "平政办发〔2018〕61号"
    )
    assert client.get("/api/status/川府发〔2020〕1号").status_code == 404
    assert client.get("/api/status/平政办发〔2023〕39号", params={"as_of": "2024-13-01"}).status_code == 400
    links = client.get("/api/links/平政办发〔2023〕44号").json()
    assert [c["doc_no"] for c in links["repeals"]] == ["平政办发〔2020〕24号", "平政办发〔2020〕24号"]
    agencies = client.get("/api/agencies", params={"county": "平顺县"}).json()
    fagai = next(a for a in agencies if a["name"] == "县发展改革和科学技术局")
    detail = client.get(f"/api/agencies/{fagai['id']}").json()
    assert detail["documents"] and "县发改局" in detail["aliases"]
    assert isinstance(client.get("/api/agencies/proposals").json(), list)
    assert client.get("/api/agencies/999999").status_code == 404
    doc = client.get(f"/api/documents/{doc_id(client, '平政办发〔2023〕39号')}").json()
    assert doc["validity"]["status"] in ("现行有效", "已失效") and doc["links"]["repeals"] and doc["agencies"]


def test_document_page_shows_links_validity_and_agencies(client):
    order = client.get("/api/documents", params={"q": "封山禁火令"}).json()["hits"][0]
    page = client.get(order["url"]).text
    assert 'class="banner status-已失效"' in page and "2024-05-31届满" in page
    page = client.get(f"/doc/{doc_id(client, '平政办发〔2023〕39号')}").text
    assert (
        "引用关系" in page
        and 'class="graph"' in page
        and "平政办发〔2018〕61号" in page
        and "涉及单位" in page
    )
    agencies = client.get("/agencies", params={"county": "阳城县"}).text
    assert "县发展和改革局" in agencies
    first = client.get("/api/agencies").json()[0]
    assert first["name"] in client.get(first["url"]).text
    expired = client.get("/api/documents", params={"validity": "已失效"}).json()
    assert expired["total"] >= 1 and all(h["validity"] == "已失效" for h in expired["hits"])
    assert client.get("/api/documents", params={"validity": "作废"}).status_code == 400
