"""`wenming serve`: the county's intake desk (DESIGN.md §10, issue 13) as a FastAPI app.

Pages (server-rendered Chinese HTML, no external assets) and the JSON API they share:

  GET  /login, POST /login (form ``code``, ``unit``, ``csrf_token``), POST /logout
  GET  /api/session                         → {"account", "kind", "csrf_token"}
  GET  /units/{unit}                        a unit's page (upload, problems, 五有, downloads)
  POST /api/units/{unit}/files              multipart ``files`` (repeated) → the result
  GET  /api/units/{unit}                    the result (shape of one unit of validate --format json)
  POST /api/units/{unit}/confirm            确认报送 (server clock, the files' sha256)
  GET  /api/units/{unit}/documents/{kind}   a document (`work.DOCUMENT_KINDS`)
  GET  /api/units/{unit}/events             the unit's history
  GET  /county, GET /api/status             县中心: every expected unit (`board.board_rows`)
  GET  /api/county/documents/{kind}         全县汇总 / 全县汇总表 / 问题清单 / 全部材料

Every unit route checks the session: no session → 401 (pages: to the login page); another
unit's → 404, as for a unit that does not exist. Every POST needs the CSRF token (form field
``csrf_token`` or header ``X-CSRF-Token``). Uploads, checks and documents run in worker
processes (`work`), one job per unit at a time; the event loop only streams files.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from ..config import Config, load_config
from ..files import TEMP_PREFIX
from ..privacy import redact
from . import board, work
from .accounts import COUNTY, KIND_WORDS, check_code, expected_accounts, normalise_code
from .db import Account, Store, now
from .intake import ACCEPTED, Intake, UploadTooLarge, take_files
from .security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    SESSION_SECONDS,
    BodyLimit,
    LoginLimiter,
    SecurityHeaders,
    csrf_ok,
    csrf_token,
    session_secret,
)

log = logging.getLogger("wenming.serve")
HERE = Path(__file__).parent
PAGE_WAIT = 2.0
"""Seconds an upload page waits for the check before it shows progress and refreshes itself."""
MAX_LOGIN_CHECKS = 4
"""Login codes checked at once, at most (fewer on fewer cores): each scrypt check takes a core
for ~30 ms and 16 MiB, so more at once only add memory — 51 units logging in at the same moment
held ~100 MB in the threads of asyncio's default pool (benchmarks/serve_load.py)."""


@dataclass
class Desk:
    """The server's state: data folder, config, store, worker pool, per-unit locks and jobs."""

    data_dir: Path
    config: Config
    store: Store
    workers: int
    pool: Executor | None = None
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    checking: dict[str, datetime] = field(default_factory=dict)
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    login_checks: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def lock(self, unit: str) -> asyncio.Lock:
        return self.locks.setdefault(unit, asyncio.Lock())

    async def run(self, func: Any, *args: Any) -> Any:
        """``func(*args)`` in the pool; a pool whose worker died (killed by the system when
        memory ran out) is replaced and the job tried once more."""
        from concurrent.futures.process import BrokenProcessPool

        assert self.pool is not None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, func, *args)
        except BrokenProcessPool:
            log.error("工作进程意外退出，已重新启动")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = _pool(self.workers)
            return await loop.run_in_executor(self.pool, func, *args)

    @property
    def out(self) -> Path:
        return self.store.folder / "输出"


def _pool(workers: int) -> Executor:
    """Worker processes (spawned: the server has threads, and Windows spawns anyway); 0 runs
    jobs in threads of this process (tests)."""
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=2)
    import multiprocessing

    from ..pool import _worker_signals, start_method

    return ProcessPoolExecutor(max_workers=workers, initializer=_worker_signals,
                               mp_context=multiprocessing.get_context(start_method() or "spawn"))


def create_app(data_dir: Path, workers: int | None = None) -> FastAPI:
    """The intake desk over ``data_dir`` with ``workers`` processes (None: the usable cores;
    0: threads).

    Raises:
        ConfigError: the data folder's wenming.toml cannot be used.
        sqlite3.Error: the server's database cannot be opened.
    """
    from ..validate import usable_cores

    config, _ = load_config(data_dir)
    for noisy in ("multipart", "python_multipart", "multipart.multipart"):
        # a malformed upload is answered in Chinese; its English parser note stays out of the
        # server's window
        logging.getLogger(noisy).setLevel(logging.ERROR)
    desk = Desk(data_dir, config, Store(data_dir),
                usable_cores() if workers is None else workers,
                login_checks=asyncio.Semaphore(min(usable_cores(), MAX_LOGIN_CHECKS)))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        desk.pool = _pool(desk.workers)
        _rescan(desk)
        try:
            yield
        finally:
            for job in desk.background:
                job.cancel()
            desk.pool.shutdown(wait=True, cancel_futures=True)

    app = FastAPI(title="wenming 报送系统", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.desk = desk
    templates = Jinja2Templates(directory=str(HERE / "pages"))
    templates.env.globals.update(kind_words=KIND_WORDS, accepted=",".join(ACCEPTED),
                                 county_name=config.county, deadline=config.deadline)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    limits = config.serve
    app.add_middleware(SessionMiddleware, secret_key=session_secret(desk.store.folder),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_SECONDS,
                       same_site="strict", https_only=False)
    app.add_middleware(BodyLimit, limit=int(limits.max_request_mb * 2**20) + 2**20,
                       shown_mb=limits.max_request_mb)
    app.add_middleware(SecurityHeaders)

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        account = _account(desk, request)
        context.update(request=request, account=account, csrf=csrf_token(request.session))
        return templates.TemplateResponse(request, name, context, status_code=status)

    # ------------------------------------------------------------------ errors

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        api = request.url.path.startswith("/api/")
        if exc.status_code == 401 and not api:
            return RedirectResponse("/login", 303)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if not detail or detail.isascii():  # Starlette's own "Not Found", "Method Not Allowed"
            detail = _PLAIN_ERRORS.get(exc.status_code, "请求无法处理，请返回首页重试。")
        if api:
            return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)
        return page(request, "error.html", exc.status_code, message=detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": "请求缺少必要的内容（如没有选择文件），请返回重试。"}, 422)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("服务器内部错误：%s %s（%s）", request.method, request.url.path,
                  type(exc).__name__)  # no message: it may quote a cell
        message = "服务器出错了，请稍后重试；如一再出现请联系县中心。"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, 500)
        return page(request, "error.html", 500, message=message)

    # ------------------------------------------------------------------ login

    @app.get("/")
    async def home(request: Request) -> Response:
        account = _account(desk, request)
        if account is None:
            return RedirectResponse("/login", 303)
        return RedirectResponse(_home_of(account), 303)

    @app.get("/login")
    async def login_page(request: Request) -> Response:
        return page(request, "login.html", units=expected_accounts(config))

    @app.post("/login")
    async def login(request: Request) -> Response:
        async with request.form() as form:
            _require_csrf(request, form.get(CSRF_FIELD))
            code = normalise_code(str(form.get("code") or ""))
            unit = str(form.get("unit") or "").strip()
        client = request.client.host if request.client else ""
        wait = desk.limiter.blocked(client, unit)
        if wait > 0:
            desk.store.log(unit or "?", "login-refused", detail="尝试次数过多", client=client)
            return _login_failed(request, page, config, unit, status=429,
                                 message=f"登录码错误次数过多，请 {int(wait) + 1} 秒后再试。",
                                 retry=int(wait) + 1)
        async with desk.login_checks:
            account = await asyncio.to_thread(_find_account, desk.store, code, unit)
        if account is None:
            desk.limiter.failed(client, unit)
            desk.store.log(unit or "?", "login-failed", client=client)
            return _login_failed(request, page, config, unit, status=401,
                                 message="登录码不对。请核对登录码（不区分大小写）和所选单位后重试。")
        request.session.clear()
        request.session.update({"account": account.name, "generation": account.generation,
                                "sid": desk.store.open_session(account.name)})
        csrf_token(request.session)
        desk.store.log(account.name, "login", client=client)
        return RedirectResponse(_home_of(account), 303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        async with request.form() as form:
            _require_csrf(request, form.get(CSRF_FIELD))
        sid = request.session.get("sid")
        if isinstance(sid, str):
            desk.store.end_session(sid)  # a copy of the cookie kept somewhere is dead too
        request.session.clear()
        return RedirectResponse("/login", 303)

    @app.get("/api/session")
    async def session_info(request: Request) -> dict[str, Any]:
        account = _account(desk, request)
        return {"account": account.name if account else None,
                "kind": account.kind if account else None,
                "csrf_token": csrf_token(request.session)}

    # ------------------------------------------------------------------ a unit

    @app.get("/units/{unit}")
    async def unit_page(request: Request, unit: str) -> Response:
        account = _allowed(desk, request, unit)
        payload = _unit_payload(desk, unit)
        from ..problems import unit_problems

        issues = [_issue(d) for d in payload.get("issues", [])]
        groups = unit_problems(issues, [unit])[0]
        flash = request.session.pop("flash", None)
        events = desk.store.events(unit) if account.kind == "county" else []
        kinds = {k: v for k, v in work.DOCUMENT_KINDS.items()
                 if v[0] == "any" or config.unit_kind(unit) == "town"}
        return page(request, "unit.html", unit=unit, unit_kind=KIND_WORDS.get(
                    config.unit_kind(unit), "名单外单位"), result=payload, groups=groups,
                    flash=flash, events=events, documents=kinds, now=now(),
                    late=now() > config.deadline)

    @app.post("/units/{unit}/upload")
    async def upload_page(request: Request, unit: str) -> Response:
        _allowed(desk, request, unit)
        async with request.form(max_files=limits.max_files + 1) as form:
            _require_csrf(request, form.get(CSRF_FIELD))
            try:
                job, intake = await _start_upload(desk, request, unit, form.getlist("files"))
            except HTTPException as exc:
                request.session["flash"] = {"refused": [{"file": "", "reason": exc.detail}]}
                return RedirectResponse(f"/units/{quote(unit)}", 303)
        if job is None:  # nothing taken: the reasons go where a job's go (the cookie is small)
            _keep_refusals(desk, unit, intake)
        else:
            await asyncio.wait({job}, timeout=PAGE_WAIT)  # then the page shows progress
        return RedirectResponse(f"/units/{quote(unit)}", 303)

    @app.post("/units/{unit}/confirm")
    async def confirm_page(request: Request, unit: str) -> Response:
        _allowed(desk, request, unit)
        async with request.form() as form:
            _require_csrf(request, form.get(CSRF_FIELD))
        try:
            _confirm(desk, unit, request)
        except HTTPException as exc:
            request.session["flash"] = {"refused": [{"file": "", "reason": exc.detail}]}
        return RedirectResponse(f"/units/{quote(unit)}", 303)

    @app.get("/units/{unit}/documents/{kind}")
    async def document_page(request: Request, unit: str, kind: str) -> Response:
        _allowed(desk, request, unit)
        return await _document(desk, unit, kind)

    @app.post("/api/units/{unit}/files")
    async def upload_api(request: Request, unit: str, wait: bool = True) -> Response:
        _allowed(desk, request, unit)
        _require_csrf(request, request.headers.get(CSRF_HEADER))
        async with request.form(max_files=limits.max_files + 1) as form:
            job, intake = await _start_upload(desk, request, unit, form.getlist("files"))
        refused = [{"file": r.file, "reason": r.reason} for r in intake.refused]
        if job is None:
            _keep_refusals(desk, unit, intake)
            payload = _unit_payload(desk, unit)
            payload.update(placed=[], refused=refused)
            return JSONResponse(payload, 400)
        if not wait:
            return JSONResponse({"unit": unit, "checking": True, "refused": refused}, 202)
        result = await asyncio.shield(job)
        payload = _unit_payload(desk, unit)
        payload.update(placed=result.get("placed", []),
                       refused=refused + result.get("refused", []))
        return JSONResponse(payload, 200 if payload["placed"] else 400)

    @app.get("/api/units/{unit}")
    async def unit_api(request: Request, unit: str) -> dict[str, Any]:
        _allowed(desk, request, unit)
        return _unit_payload(desk, unit)

    @app.post("/api/units/{unit}/confirm")
    async def confirm_api(request: Request, unit: str) -> dict[str, Any]:
        _allowed(desk, request, unit)
        _require_csrf(request, request.headers.get(CSRF_HEADER))
        _confirm(desk, unit, request)
        return _unit_payload(desk, unit)

    @app.get("/api/units/{unit}/documents/{kind}")
    async def document_api(request: Request, unit: str, kind: str) -> Response:
        _allowed(desk, request, unit)
        return await _document(desk, unit, kind)

    @app.get("/api/units/{unit}/events")
    async def events_api(request: Request, unit: str) -> list[dict[str, Any]]:
        _allowed(desk, request, unit)
        return desk.store.events(unit)

    # ------------------------------------------------------------------ the county

    @app.get("/county")
    async def county_page(request: Request) -> Response:
        _county_only(desk, request)
        _rescan(desk)
        rows = _board(desk)
        counts = {state: sum(1 for r in rows if r["submission"] == state)
                  for state in board.SUBMISSION_STATES}
        return page(request, "county.html", rows=rows, counts=counts, now=now(),
                    documents=work.COUNTY_KINDS)

    @app.get("/api/status")
    async def status_api(request: Request) -> list[dict[str, Any]]:
        _county_only(desk, request)
        _rescan(desk)
        return _board(desk)

    @app.get("/api/county/documents/{kind}")
    async def county_document(request: Request, kind: str) -> Response:
        _county_only(desk, request)
        if kind not in work.COUNTY_KINDS:
            raise HTTPException(404, "没有这种文档。可选：" + "、".join(work.COUNTY_KINDS))
        async with desk.lock(COUNTY):
            with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, dir=desk.store.folder) as tmp:
                try:
                    submitted = [r["name"] for r in _board(desk)
                                 if r["submission"].startswith("已报送")]
                    path = Path(await desk.run(work.county_job, desk.data_dir, kind, Path(tmp),
                                               submitted))
                except LookupError as exc:
                    raise HTTPException(409, str(exc)) from exc
                return _send(path, desk.out / "全县")

    @app.get("/county/documents/{kind}")
    async def county_document_page(request: Request, kind: str) -> Response:
        return await county_document(request, kind)

    return app


# ---------------------------------------------------------------------- helpers


_BLOCKS_CONFIRMATION = frozenset({"workbook-other-unit"})
"""Problems that stop a 确认报送 (other errors are the unit's to fix before the deadline, and
the county sees them): another unit's workbook would put that unit's figures into this one."""

_PLAIN_ERRORS = {
    404: "没有这个页面。请从首页进入，不要手工修改网址。",
    405: "这个网址不能这样打开。请从页面上的按钮或链接进入。",
    413: "上传的内容太大，请分几次上传。",
    422: "请求缺少必要的内容，请返回重试。",
}


def _home_of(account: Account) -> str:
    return "/county" if account.kind == "county" else f"/units/{quote(account.name)}"


def _find_account(store: Store, code: str, unit: str) -> Account | None:
    """The account whose code this is: the chosen unit's only (one scrypt), else every one."""
    if not code:
        return None
    candidates = [store.account(unit)] if unit else store.accounts()
    for account in candidates:
        if account is not None and check_code(code, account.salt, account.hash):
            return account
    return None


def _login_failed(request: Request, page: Any, config: Config, unit: str, status: int,
                  message: str, retry: int = 0) -> Response:
    headers = {"Retry-After": str(retry)} if retry else None
    if "text/html" in request.headers.get("accept", ""):
        response: Response = page(request, "login.html", status, units=expected_accounts(config),
                                  message=message, chosen=unit)
        if headers:
            response.headers.update(headers)
        return response
    return JSONResponse({"detail": message}, status, headers=headers)


def _account(desk: Desk, request: Request) -> Account | None:
    """The session's account, None without one (or when its code was reset since)."""
    name = request.session.get("account")
    if not isinstance(name, str):
        return None
    account = desk.store.account(name)
    if account is None or account.generation != request.session.get("generation"):
        return None
    sid = request.session.get("sid")
    if not isinstance(sid, str) or not desk.store.session_open(sid):
        return None
    return account


def _allowed(desk: Desk, request: Request, unit: str) -> Account:
    """The session's account when it may see ``unit``.

    Raises:
        HTTPException: 401 without a session; 404 for another unit's, or a unit not expected.
    """
    account = _account(desk, request)
    if account is None:
        raise HTTPException(401, "请先登录。")
    if account.kind == "county":
        from ..files import component_problem

        # a unit of the config, or a folder outside the list (名单外) — never ".." or ".wenming"
        if unit != COUNTY and component_problem(unit) is None and (
                desk.config.unit_kind(unit) != "unknown" or (desk.data_dir / unit).is_dir()):
            return account
    elif account.name == unit:
        return account
    raise HTTPException(404, "没有这个页面。")


def _county_only(desk: Desk, request: Request) -> Account:
    account = _account(desk, request)
    if account is None:
        raise HTTPException(401, "请先登录。")
    if account.kind != "county":
        raise HTTPException(404, "没有这个页面。")
    return account


def _require_csrf(request: Request, sent: object) -> None:
    if not csrf_ok(request.session, sent if isinstance(sent, str) else None):
        raise HTTPException(403, "页面已过期（安全校验码不符），请刷新页面后重试。")


def _issue(data: dict[str, Any]) -> Any:
    from ..issues import Issue

    fields = ("file", "sheet", "cell", "row", "column", "field", "code", "severity", "message",
              "hint", "unit")
    return Issue(*(data.get(name, "") for name in fields))


def _unit_payload(desk: Desk, unit: str) -> dict[str, Any]:
    """The API's unit shape: the last check (`work.check_unit`), the files with their upload
    time, the confirmation state and whether a check is running."""
    payload = desk.store.result(unit) or {}
    if not payload:
        payload = work.empty_payload(unit)
    uploads = {e["file"]: e["time"] for e in reversed(desk.store.events(unit))
               if e["action"] == "upload"}
    for entry in payload.get("files", []):
        entry["uploaded_at"] = uploads.get(entry["name"])
    confirmation = desk.store.confirmation(unit)
    state = board.submission(payload, confirmation)
    payload["confirmation"] = {
        "state": state,
        "confirmed_at": confirmation.time.isoformat() if confirmation else None,
        "on_time": confirmation.on_time if confirmation else None,
        "current": state.startswith("已报送"),
        "deadline": desk.config.deadline.isoformat(),
    }
    started = desk.checking.get(unit)
    payload["checking"] = started is not None
    payload["checking_seconds"] = int((now() - started).total_seconds()) if started else 0
    return payload


def _board(desk: Desk) -> list[dict[str, Any]]:
    results = desk.store.results()
    names = set(results) | {t.name for t in desk.config.towns} | set(desk.config.units) \
        | set(desk.config.county_teams)
    return board.board_rows(desk.config, results,
                            {n: desk.store.confirmation(n) for n in names},
                            {n: desk.store.last_event(n, "upload") for n in names},
                            set(desk.checking))


async def _start_upload(desk: Desk, request: Request, unit: str, files: list[Any]
                        ) -> tuple[asyncio.Task[dict[str, Any]] | None, Intake]:
    """Stage the upload's files (checked by `intake.take_files`) and start the unit's job;
    returns (job or None when nothing was taken, intake).

    Raises:
        HTTPException: 400 no file; 409 confirmed and past the deadline; 413 over a cap.
    """
    # A form whose file input has nothing chosen still sends one part: no name, no bytes.
    uploads = [f for f in files if isinstance(f, UploadFile)
               and ((f.filename or "").strip() or f.size != 0)]
    if not uploads:
        raise HTTPException(400, "没有选择文件。请点“选择文件”选好本单位的表格或照片后再上传。")
    confirmation = desk.store.confirmation(unit)
    if confirmation is not None and now() > desk.config.deadline:
        raise HTTPException(409, f"已于 {confirmation.time:%m月%d日 %H:%M} 确认报送，报送截止时间已过，"
                            "不能再更换文件；如需更正请联系县中心。")
    folder = desk.data_dir / unit
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "upload-", dir=folder))

    def forget() -> None:  # nothing taken: no trace in the data folder, not even the folder
        shutil.rmtree(staging, ignore_errors=True)
        if made:
            with suppress(OSError):
                folder.rmdir()

    client = request.client.host if request.client else ""
    try:
        intake = await asyncio.to_thread(
            take_files, [(u.filename or "", u.file) for u in uploads], staging, desk.config.serve)
    except UploadTooLarge as exc:
        forget()
        desk.store.log(unit, "refused", detail=str(exc), client=client)
        raise HTTPException(413, str(exc)) from exc
    except BaseException:
        forget()
        raise
    for refusal in intake.refused:
        desk.store.log(unit, "refused", file=refusal.file, detail=refusal.reason, client=client)
    if not intake.staged:
        forget()
        return None, intake
    seq = desk.store.log(unit, "upload-received", detail=f"{len(intake.staged)} 个文件",
                         client=client)
    job = asyncio.create_task(_upload_job(desk, unit, intake, staging, seq, client, made))
    desk.background.add(job)
    job.add_done_callback(desk.background.discard)
    return job, intake


async def _upload_job(desk: Desk, unit: str, intake: Intake, staging: Path, seq: int,
                      client: str, made: bool = False) -> dict[str, Any]:
    """Place and check under the unit's lock; record the result and one event per file."""
    try:
        async with desk.lock(unit):
            desk.checking[unit] = now()
            try:
                known = {f["name"]: f["kind"] for f in (desk.store.result(unit) or {}).get(
                    "files", [])}
                result: dict[str, Any] = await desk.run(
                    work.upload_job, desk.data_dir, unit, intake.staged, known,
                    desk.config.serve.max_photos)
            finally:
                desk.checking.pop(unit, None)
            stored = {k: v for k, v in result.items() if k not in ("placed", "refused")}
            stored["last_upload"] = {
                "time": now().isoformat(), "placed": [p["name"] for p in result["placed"]],
                "refused": [{"file": r.file, "reason": r.reason} for r in intake.refused]
                + result["refused"]}
            desk.store.save_result(unit, seq, stored)
            for placed in result["placed"]:
                desk.store.log(unit, "upload", file=redact(placed["name"]), size=placed["size"],
                               sha256=placed["sha256"], errors=result["errors"],
                               warnings=result["warnings"],
                               detail=("替换了 " + "、".join(placed["replaced"]))
                               if placed["replaced"] else "", client=client)
            for refusal in result["refused"]:
                desk.store.log(unit, "refused", file=refusal["file"], detail=refusal["reason"],
                               client=client)
            return result
    except Exception as exc:
        log.error("上传处理失败：%s（%s）", unit, type(exc).__name__)
        desk.store.log(unit, "upload-failed", detail=type(exc).__name__, client=client)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if made:  # a folder made for this upload, which placed nothing
            with suppress(OSError):
                staging.parent.rmdir()


def _keep_refusals(desk: Desk, unit: str, intake: Intake) -> None:
    """An upload that took nothing: its refusals become the unit's 上次上传 (shown on its
    page), the rest of the kept result unchanged."""
    payload = desk.store.result(unit) or {}
    if not payload:
        payload = work.empty_payload(unit)
    payload["last_upload"] = {"time": now().isoformat(), "placed": [],
                              "refused": [{"file": r.file, "reason": r.reason}
                                          for r in intake.refused]}
    desk.store.save_result(unit, desk.store.log(unit, "upload-refused",
                                                detail=f"{len(intake.refused)} 个文件"), payload)


def _confirm(desk: Desk, unit: str, request: Request) -> None:
    """Record 确认报送 of the unit's current files.

    Raises:
        HTTPException: 409 nothing uploaded yet, a check still running, or confirmed already.
    """
    if unit in desk.checking:
        raise HTTPException(409, "表格还在校验中，请等校验完成后再确认报送。")
    payload = desk.store.result(unit)
    files = board.files_of(payload)
    if not files:
        raise HTTPException(409, "还没有上传表格，不能确认报送。")
    assert payload is not None
    kinds = {f["kind"] for f in payload["files"] if f["kind"]}
    if not kinds or kinds <= set(payload.get("empty", [])):
        raise HTTPException(409, "上传的表格都还是空白模板，没有填写内容，不能确认报送；"
                            "请填好后重新上传。")
    foreign = [i for i in payload["issues"] if i["code"] in _BLOCKS_CONFIRMATION]
    if foreign:
        raise HTTPException(409, f"{foreign[0]['message']}，不能确认报送：这样会把别的单位的数据算进本单位。"
                            "请换成本单位的表格后重新上传。")
    confirmation = desk.store.confirmation(unit)
    if confirmation is not None and confirmation.files == files:
        raise HTTPException(409, f"这些文件已于 {confirmation.time:%m月%d日 %H:%M} 确认报送过了。")
    if confirmation is not None and now() > desk.config.deadline:
        raise HTTPException(409, "报送截止时间已过，不能再次确认；如需更正请联系县中心。")
    on_time = now() <= desk.config.deadline
    desk.store.confirm(unit, files, on_time)
    desk.store.log(unit, "confirm", errors=payload["errors"], warnings=payload["warnings"],
                   detail="按时" if on_time else "逾期",
                   client=request.client.host if request.client else "")


async def _document(desk: Desk, unit: str, kind: str) -> Response:
    if kind not in work.DOCUMENT_KINDS:
        raise HTTPException(404, "没有这种文档。可选：" + "、".join(work.DOCUMENT_KINDS))
    from ..render.report import RenderError

    async with desk.lock(unit):
        with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, dir=desk.store.folder) as tmp:
            try:
                path = Path(await desk.run(work.render_job, desk.data_dir, unit, kind, Path(tmp)))
            except (LookupError, RenderError) as exc:
                raise HTTPException(409, str(exc)) from exc
            return _send(path, desk.out / unit)


def _send(path: Path, keep: Path) -> Response:
    """Move a document made in a temporary folder to ``keep`` and send it as a download."""
    keep.mkdir(parents=True, exist_ok=True)
    target = keep / path.name
    os.replace(path, target)
    media = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".zip": "application/zip"}.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media, filename=target.name)


def _rescan(desk: Desk) -> None:
    """Look for changed unit folders in the background (at most one scan at a time), so that
    files copied into the data folder by hand show on the county's table without a restart."""
    if any(not t.done() and t.get_name() == "rescan" for t in desk.background):
        return
    task = asyncio.create_task(_check_found(desk), name="rescan")
    desk.background.add(task)
    task.add_done_callback(desk.background.discard)


async def _check_found(desk: Desk) -> None:
    """Check every unit folder whose files differ from its kept result (files put into the
    data folder by hand, or changed while the server was off); at start and from `_rescan`."""
    from ..units import discover

    try:
        sources = await asyncio.to_thread(discover, [desk.data_dir], desk.config)
    except OSError:
        return
    for source in sources:
        if source.folder.resolve().parent != desk.data_dir.resolve():
            continue
        unit = source.folder.name
        kept = {f["name"]: f["size"] for f in (desk.store.result(unit) or {}).get("files", [])}
        try:
            now_files = {p.name: p.stat().st_size for p in source.files}
        except OSError:
            continue
        if kept == now_files or desk.lock(unit).locked():  # an upload's job checks it anyway
            continue
        async with desk.lock(unit):
            desk.checking[unit] = now()
            try:
                seq = desk.store.log(unit, "check", detail="启动时发现文件有变化，重新校验")
                payload = await desk.run(work.check_job, desk.data_dir, unit)
                desk.store.save_result(unit, seq, payload)
            except Exception as exc:  # one unit must not stop the others
                log.error("校验失败：%s（%s）", unit, type(exc).__name__)
            finally:
                desk.checking.pop(unit, None)
