"""The web layer: a read-only JSON API under /api and server-rendered Chinese HTML pages.

Both render what :mod:`gongbao.store.query` returns; no page computes anything of its own. Errors share
one envelope: ``{"error": {"status": 400, "code": "bad_request", "message": "…"}}`` for the API and a
Chinese error page for HTML.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline

from gongbao.errors import GongbaoError
from gongbao.plans import model as P
from gongbao.proof.report import check_source
from gongbao.proof.report import summary as proof_summary
from gongbao.rules import book as R
from gongbao.rules.check import annotate_sources
from gongbao.rules.quantity import fmt as format_quantity
from gongbao.serve.graph import neighbourhood
from gongbao.store import agencies as A
from gongbao.store import links as L
from gongbao.store import query as Q
from gongbao.store import tasks as T
from gongbao.store.db import connect
from gongbao.tasks import export as X

_HERE = resources.files("gongbao.serve")
FILTER_NAMES = (
    "county",
    "issuer",
    "doc_type",
    "kind",
    "date_from",
    "date_to",
    "gazette",
    "publicity",
    "validity",
)
FACET_TITLES = {
    "county": "县",
    "issuer": "发文机关",
    "doc_type": "文种",
    "kind": "正文类别",
    "publicity": "公开方式",
    "gazette": "公报期次",
    "year": "成文年份",
    "validity": "有效性",
}


class NotFound(HTTPException):
    def __init__(self, what: str):
        super().__init__(status_code=404, detail=f"未找到{what}")


def found(value: Any, what: str) -> Any:
    """``value``, or a 404 naming ``what`` when it is None."""
    if value is None:
        raise NotFound(what)
    return value


def timeline(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Tasks grouped for a deadline timeline: by month of their deadline, then recurring, then the rest."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for t in sorted(
        rows, key=lambda t: (t["deadline"] is None or t["deadline_kind"] == "horizon", t["deadline"] or "")
    ):
        if t["deadline"] and t["deadline_kind"] != "horizon":
            key = f"{t['deadline'][:4]}年{int(t['deadline'][5:7])}月"
        elif t["schedule"]:
            key = "周期性任务"
        else:
            key = "无明确时限"
        groups.setdefault(key, []).append(t)
    return list(groups.items())


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GongbaoError(f"日期应为 YYYY-MM-DD，收到「{value}」") from None


class Form:
    """A calculator or response form submitted by GET: its fields, the date/time field ``when_name``,
    and ``calc=1`` marking a submission. ``run`` evaluates it, keeping every input problem for display."""

    def __init__(
        self, request: Request, when_name: str, evaluate: Callable[[dict[str, Any], str | None], dict]
    ):
        self.params = dict(request.query_params)
        self.when = self.params.pop(when_name, "") or ""
        self.submitted = self.params.pop("calc", None) is not None
        self.evaluate = evaluate
        self.problems: list[str] = []

    def run(self, conn: sqlite3.Connection) -> dict[str, Any] | None:
        if not self.submitted:
            return None
        try:
            return annotate_sources(conn, self.evaluate(self.params, self.when or None))
        except R.RuleInputError as exc:
            self.problems = exc.problems
        except GongbaoError as exc:
            self.problems = [str(exc)]
        return None

    def values(self, fields: list[dict[str, Any]]) -> dict[str, Any]:
        return {f["name"]: self.params.get(f["name"], default_text(f)) for f in fields}


def default_text(field: dict[str, Any]) -> Any:
    """A form field's initial value: percentages as ``60%`` (they are held as fractions)."""
    d = field["default"]
    if d is None:
        return ""
    if field["unit"] in ("%", "‰") and not isinstance(d, bool):
        return format_quantity(Decimal(str(d)), field["unit"])
    return d


def parse_datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise GongbaoError(f"时间应为 YYYY-MM-DDTHH:MM，收到「{value}」") from None


def create_app(db_path: str | Path) -> FastAPI:
    db_path = Path(db_path)
    app = FastAPIOffline(  # /docs served from the package, not a CDN: county networks are often closed
        title="gongbao 公报 API",
        description="县级政府公报文件库：检索、文件元数据、条款结构、公报目录。只读。",
        version="0.1.0",
    )
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["FACET_TITLES"] = FACET_TITLES
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @contextmanager
    def db() -> Iterator[sqlite3.Connection]:
        conn = connect(db_path, create=False, readonly=True)
        try:
            yield conn
        finally:
            conn.close()

    def filters_from(params: dict[str, Any]) -> Q.Filters:
        gazette = params.get("gazette")
        try:
            gazette_id = int(gazette) if gazette not in (None, "") else None
        except ValueError:
            raise Q.QueryError(f"公报期次编号无效：{gazette!r}") from None
        return Q.Filters(
            **{k: (params.get(k) or None) for k in FILTER_NAMES if k != "gazette"}, gazette=gazette_id
        )

    # ------------------------------------------------------------------ errors

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith(("/api", "/docs", "/openapi"))

    def error_response(
        request: Request, status: int, code: str, message: str, problems: list[str] | None = None
    ) -> Response:
        if wants_html(request):
            return templates.TemplateResponse(
                request, "error.html", {"status": status, "message": message}, status_code=status
            )
        body: dict[str, Any] = {"status": status, "code": code, "message": message}
        if problems is not None:
            body["problems"] = problems
        return JSONResponse({"error": body}, status_code=status)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        code = {404: "not_found", 400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "；".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error_response(request, 400, "bad_request", f"请求参数无效：{problems}")

    @app.exception_handler(GongbaoError)
    async def _user_error(request: Request, exc: GongbaoError) -> Response:
        if isinstance(exc, L.NotFoundError | R.UnknownRuleError):
            return error_response(request, 404, "not_found", str(exc))
        if isinstance(exc, R.RuleInputError):
            return error_response(request, 422, "invalid_input", str(exc), exc.problems)
        return error_response(request, 400, "bad_request", str(exc))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 500, "internal_error", "服务器内部错误，请稍后再试")

    # ------------------------------------------------------------------ JSON API

    api = APIRouter(prefix="/api", tags=["api"])

    @api.get("/documents", summary="检索文件（全文、筛选、分面）")
    def api_search(
        request: Request,
        q: Annotated[str | None, Query(description="检索词或文号", max_length=Q.MAX_QUERY)] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=Q.MAX_PER_PAGE)] = 20,
        county: str | None = None,
        issuer: str | None = None,
        doc_type: str | None = None,
        kind: str | None = None,
        date_from: Annotated[str | None, Query(description="YYYY[-MM[-DD]]")] = None,
        date_to: Annotated[str | None, Query(description="YYYY[-MM[-DD]]")] = None,
        gazette: int | None = None,
        publicity: str | None = None,
        validity: Annotated[
            str | None, Query(description="现行有效、已废止、部分废止、已失效、尚未施行、未知（以今天为准）")
        ] = None,
    ) -> dict[str, Any]:
        with db() as conn:
            return Q.search(conn, q, filters_from(dict(request.query_params)), page, per_page).to_dict()

    @api.get("/documents/{doc_id}", summary="一件文件：元数据、各部分、条款树、附件、原文行号")
    def api_document(doc_id: int) -> dict[str, Any]:
        with db() as conn:
            doc = found(Q.get_document(conn, doc_id), f"文件 {doc_id}")
        return doc

    @api.get("/doc-no/{doc_no}", summary="按文号查找文件（任意写法）")
    def api_by_doc_no(doc_no: str) -> dict[str, Any]:
        with db() as conn:
            doc_id = Q.lookup_doc_no(conn, doc_no)
            doc = found(Q.get_document(conn, doc_id) if doc_id else None, f"文号为“{doc_no}”的文件")
        return doc

    @api.get("/status/{ref}", summary="文件在某日的效力（文号、编号或标题；含库外被引用的文件）")
    def api_status(
        ref: str, as_of: Annotated[str | None, Query(description="YYYY-MM-DD，默认今天")] = None
    ) -> dict[str, Any]:
        with db() as conn:
            return L.status(conn, ref, as_of)

    @api.get("/links/{ref}", summary="引用关系：引用、被引用、废止、被废止（含原文位置）")
    def api_links(ref: str) -> dict[str, Any]:
        with db() as conn:
            return L.links(conn, ref)

    @api.get("/agencies", summary="机关单位（按县规范名称，含别名与文件数）")
    def api_agencies(county: str | None = None) -> list[dict[str, Any]]:
        with db() as conn:
            return A.list_agencies(conn, county)

    @api.get("/agencies/proposals", summary="待审核的别名建议（简称 → 全称）")
    def api_agency_proposals(county: str | None = None) -> list[dict[str, Any]]:
        with db() as conn:
            return A.proposals(conn, county)

    @api.get("/agencies/{agency_id}", summary="一个机关单位及提到它的文件、角色")
    def api_agency(agency_id: int) -> dict[str, Any]:
        with db() as conn:
            agency = found(A.get_agency(conn, agency_id), f"机关单位 {agency_id}")
        return agency

    def task_rows(conn, params: dict[str, Any]) -> list[dict[str, Any]]:
        kinds = tuple(
            k
            for k in (params.get("kind") or "task,duty,target").split(",")
            if k in ("task", "duty", "target")
        )
        return T.list_tasks(
            conn,
            agency=params.get("agency") or None,
            doc=params.get("doc") or None,
            county=params.get("county") or None,
            due_before=params.get("due_before") or None,
            overdue_as_of=params.get("overdue_as_of") or None,
            kinds=kinds or ("task",),
        )

    @api.get("/tasks", summary="督办台账：任务、单位、时限（可按单位、文件、县、日期筛选）")
    def api_tasks(
        request: Request,
        agency: Annotated[str | None, Query(description="单位，任意写法")] = None,
        doc: Annotated[str | None, Query(description="文号、编号或标题")] = None,
        county: str | None = None,
        due_before: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        overdue_as_of: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
        kind: Annotated[str | None, Query(description="task,duty,target（逗号分隔）")] = None,
    ) -> list[dict[str, Any]]:
        with db() as conn:
            return task_rows(conn, dict(request.query_params))

    @api.get("/tasks.{fmt}", summary="督办台账导出：xlsx、csv、ics", response_class=Response)
    def api_tasks_export(request: Request, fmt: str) -> Response:
        if fmt not in ("xlsx", "csv", "ics"):
            raise NotFound(f"导出格式 {fmt}（可用 xlsx、csv、ics）")
        with db() as conn:
            rows = task_rows(conn, dict(request.query_params))
        body, media = {
            "xlsx": (
                lambda: X.to_xlsx(rows, by_agency=request.query_params.get("by_agency") == "1"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "csv": (lambda: X.to_csv(rows), "text/csv; charset=utf-8"),
            "ics": (lambda: X.to_ics(rows), "text/calendar; charset=utf-8"),
        }[fmt]
        return Response(
            body(),
            media_type=media,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6.{fmt}"
            },
        )

    @api.get("/gazettes", summary="公报期次列表")
    def api_gazettes() -> list[dict[str, Any]]:
        with db() as conn:
            return Q.list_gazettes(conn)

    @api.get("/gazettes/{gazette_id}", summary="一期公报及其目录")
    def api_gazette(gazette_id: int) -> dict[str, Any]:
        with db() as conn:
            g = found(Q.get_gazette(conn, gazette_id), f"公报 {gazette_id}")
        return g

    @api.get("/issuers", summary="发文机关及其文件数")
    def api_issuers() -> list[dict[str, Any]]:
        with db() as conn:
            return Q.list_issuers(conn)

    @api.get("/sources/{source_id}/lines", summary="原文行（未经修复）")
    def api_lines(
        source_id: int, start: Annotated[int, Query(ge=1)] = 1, end: Annotated[int | None, Query(ge=1)] = None
    ) -> dict[str, Any]:
        with db() as conn:
            lines = found(Q.raw_lines(conn, source_id, start, end), f"原文 {source_id}")
        return lines

    @api.get("/rules", summary="政策计算规则列表")
    def api_rules() -> list[dict[str, Any]]:
        return [
            {
                "id": r.id,
                "title": r.title,
                "summary": r.summary,
                "document": {"doc_no": r.doc_no, "title": r.doc_title},
            }
            for r in R.bundled_rules().values()
        ]

    @api.get("/rules/{rule_id}", summary="一条计算规则：输入项、结果、资格条件、参数及出处")
    def api_rule(rule_id: str) -> dict[str, Any]:
        with db() as conn:
            return annotate_sources(conn, R.get_rule(rule_id).to_dict())

    @api.post("/rules/{rule_id}/calc", summary="按规则计算：是否符合、金额、逐步说明（每步引用条款）")
    def api_calc(
        rule_id: str,
        inputs: Annotated[dict[str, Any], Body(description='输入项，如 {"age": 80, "tuopin": true}')],
        as_of: Annotated[str | None, Query(description="申请日期 YYYY-MM-DD，核对政策有效期")] = None,
    ) -> dict[str, Any]:
        rule = R.get_rule(rule_id)
        result = rule.evaluate(inputs, as_of=parse_date(as_of))
        with db() as conn:
            return annotate_sources(conn, result)

    @api.get("/plans", summary="应急预案模型列表")
    def api_plans() -> list[dict[str, Any]]:
        return [
            {
                "id": p.id,
                "title": p.title,
                "county": p.county,
                "document": {"doc_no": p.doc_no, "title": p.doc_title},
            }
            for p in P.bundled_plans().values()
        ]

    @api.get("/plans/{plan_id}", summary="一个应急预案模型：事实项、分级、响应级别、工作组、缺失的标准")
    def api_plan(plan_id: str) -> dict[str, Any]:
        with db() as conn:
            return annotate_sources(conn, P.get_plan(plan_id).to_dict())

    @api.post(
        "/plans/{plan_id}/respond",
        summary="应急响应：等级、响应级别、启动人、带截止时刻的检查单（每项引用条款）",
    )
    def api_respond(
        plan_id: str,
        facts: Annotated[dict[str, Any], Body(description='事实项，如 {"deaths": 1}')],
        at: Annotated[str | None, Query(description="事发时间 YYYY-MM-DDTHH:MM，默认现在")] = None,
    ) -> dict[str, Any]:
        result = P.get_plan(plan_id).respond(facts, at=parse_datetime(at))
        with db() as conn:
            return annotate_sources(conn, result)

    @api.get(
        "/gazettes/{gazette_id}/check",
        summary="公报校对：合计、编号、目录与标题、数量与列举、电话、附件、引用等问题",
    )
    def api_gazette_check(gazette_id: int) -> dict[str, Any]:
        with db() as conn:
            g = found(Q.get_gazette(conn, gazette_id), f"公报 {gazette_id}")
            _, findings = check_source(conn, g["source_id"])
        return {"gazette": {"id": g["id"], "label": g["label"]}, "findings": [f.to_dict() for f in findings]}

    app.include_router(api)

    # ------------------------------------------------------------------ HTML

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        with db() as conn:
            result = Q.search(conn, None, per_page=8)
            return page(
                request, "home.html", result=result, gazettes=Q.list_gazettes(conn), stats=Q.stats(conn)
            )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request, q: str = "", page_no: Annotated[int, Query(alias="page", ge=1)] = 1
    ) -> Response:
        params = dict(request.query_params)
        if len(q) > Q.MAX_QUERY:
            raise Q.QueryError(f"查询过长（最多 {Q.MAX_QUERY} 个字符）")
        filters = filters_from(params)
        with db() as conn:
            result = Q.search(conn, q, filters, page_no, 20)
            if result.mode == "doc_no" and not any(params.get(k) for k in FILTER_NAMES) and page_no == 1:
                return RedirectResponse(f"/doc/{result.doc_no_match}", status_code=303)
            active = {k: params[k] for k in FILTER_NAMES if params.get(k)}
            labels = Q.gazette_labels(conn)

        def link(**changes: Any) -> str:
            merged = {**{"q": q}, **active, **changes}
            return "/search?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})

        return page(
            request, "search.html", q=q, result=result, active=active, link=link, gazette_labels=labels
        )

    @app.get("/doc/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: int) -> HTMLResponse:
        with db() as conn:
            doc = found(Q.get_document(conn, doc_id), f"文件 {doc_id}")
        calculators = [r for r in R.bundled_rules().values() if doc["doc_no"] and r.doc_no == doc["doc_no"]]
        return page(request, "document.html", doc=doc, graph=neighbourhood(doc), calculators=calculators)

    @app.get("/gazette/{gazette_id}", response_class=HTMLResponse, include_in_schema=False)
    def gazette_page(request: Request, gazette_id: int) -> HTMLResponse:
        with db() as conn:
            g = found(Q.get_gazette(conn, gazette_id), f"公报 {gazette_id}")
        return page(request, "gazette.html", g=g)

    @app.get("/gazette/{gazette_id}/check", response_class=HTMLResponse, include_in_schema=False)
    def gazette_check_page(request: Request, gazette_id: int) -> HTMLResponse:
        with db() as conn:
            g = found(Q.get_gazette(conn, gazette_id), f"公报 {gazette_id}")
            _, findings = check_source(conn, g["source_id"])
            doc_ids = {d["doc_no"]: d["id"] for d in g["documents"] if d["doc_no"]}
        return page(
            request, "proof.html", g=g, findings=findings, summary=proof_summary(findings), doc_ids=doc_ids
        )

    @app.get("/source/{source_id}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(
        request: Request,
        source_id: int,
        start: Annotated[int, Query(alias="from", ge=1)] = 1,
        end: Annotated[int | None, Query(alias="to", ge=1)] = None,
    ) -> HTMLResponse:
        with db() as conn:
            lines = found(
                Q.raw_lines(conn, source_id, max(1, start - 5), (end + 5) if end else None),
                f"原文 {source_id}",
            )
        return page(request, "source.html", src=lines, hl_from=start, hl_to=end or start)

    @app.get("/tasks", response_class=HTMLResponse, include_in_schema=False)
    def tasks_page(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        with db() as conn:
            rows = task_rows(conn, {**params, "kind": params.get("kind") or "task,target"})
            counties = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT county FROM documents WHERE county IS NOT NULL ORDER BY county"
                )
            ]
        return page(request, "tasks.html", groups=timeline(rows), total=len(rows), params=params, counties=counties,
                    export=urlencode({k: v for k, v in params.items() if v}))  # fmt: skip

    @app.get("/agencies", response_class=HTMLResponse, include_in_schema=False)
    def agencies_page(request: Request, county: str | None = None) -> HTMLResponse:
        with db() as conn:
            return page(
                request,
                "agencies.html",
                agencies=A.list_agencies(conn, county or None),
                county=county,
                proposals=A.proposals(conn, county or None),
            )

    @app.get("/agency/{agency_id}", response_class=HTMLResponse, include_in_schema=False)
    def agency_page(request: Request, agency_id: int) -> HTMLResponse:
        with db() as conn:
            agency = found(A.get_agency(conn, agency_id), f"机关单位 {agency_id}")
        with db() as conn:
            rows = T.list_tasks(conn, agency=agency["name"], county=agency["county"])
        return page(request, "agency.html", agency=agency, groups=timeline(rows), tasks_total=len(rows))

    @app.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    def rules_page(request: Request) -> HTMLResponse:
        groups: dict[str, list[R.Rule]] = {}
        for r in R.bundled_rules().values():
            groups.setdefault(r.doc_no, []).append(r)
        with db() as conn:
            doc_ids = {doc_no: Q.lookup_doc_no(conn, doc_no) for doc_no in groups}
        return page(request, "rules.html", groups=groups, doc_ids=doc_ids)

    @app.get("/rules/{rule_id}", response_class=HTMLResponse, include_in_schema=False)
    def rule_page(request: Request, rule_id: str) -> HTMLResponse:
        rule = R.get_rule(rule_id)
        form = Form(request, "as_of", lambda params, when: rule.evaluate(params, as_of=parse_date(when)))
        with db() as conn:
            result = form.run(conn)
            spec = annotate_sources(conn, rule.to_dict())
            doc_id = Q.lookup_doc_no(conn, rule.doc_no)
            validity = L.status(conn, str(doc_id)) if doc_id else None
        return page(request, "rule.html", rule=spec, result=result, problems=form.problems,
                    values=form.values(spec["inputs"]), as_of=form.when, doc_id=doc_id, validity=validity)  # fmt: skip

    @app.get("/respond", response_class=HTMLResponse, include_in_schema=False)
    def plans_page(request: Request) -> HTMLResponse:
        groups: dict[str, list[P.Plan]] = {}
        for p in P.bundled_plans().values():
            groups.setdefault(p.county, []).append(p)
        return page(request, "plans.html", groups=groups)

    @app.get("/respond/{plan_id}", response_class=HTMLResponse, include_in_schema=False)
    def respond_page(request: Request, plan_id: str) -> HTMLResponse:
        plan = P.get_plan(plan_id)
        form = Form(request, "at", lambda params, when: plan.respond(params, at=parse_datetime(when)))
        with db() as conn:
            result = form.run(conn)
            spec = annotate_sources(conn, plan.to_dict())
            doc_id = Q.lookup_doc_no(conn, plan.doc_no)
        return page(request, "respond.html", plan=spec, result=result, problems=form.problems,
                    values=form.values(spec["facts"]), at=form.when, doc_id=doc_id)  # fmt: skip

    @app.get("/issuers", response_class=HTMLResponse, include_in_schema=False)
    def issuers_page(request: Request) -> HTMLResponse:
        with db() as conn:
            return page(request, "issuers.html", issuers=Q.list_issuers(conn))

    return app
