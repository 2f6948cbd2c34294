"""`wenming serve` in a real browser: headless Chromium driven by Selenium over loopback.

The server is the real command (``wenming serve`` in a subprocess, with its worker processes)
over a temporary data folder whose wenming.toml puts the deadline in 2099. One town clerk
logs in, uploads the four sample workbooks with an error planted in the roster, reads the cell
on the page, uploads the corrected roster, downloads the 自评报告, confirms; then 县中心 sees
the town as 已报送（按时） at the server's time.

Chromium and chromedriver come from the system (Debian: ``apt-get install chromium
chromium-driver``); nothing is downloaded (Selenium Manager is bypassed by giving both paths).
Without them the tests are skipped, except under CI (``CI=true``), where they fail.

``WENMING_SCREENSHOTS=1`` writes the screenshots to docs/screenshots/ (login.png,
unit-errors.png, unit-ok.png, county.png); otherwise they go to a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import wenming_cli

SAMPLE = Path(wenming_cli.__file__).parent / "sample_data" / "城北街道"
WORKBOOKS = ("基本情况与自评表.xlsx", "志愿服务队伍花名册.xlsx", "文明实践项目活动计划一览表.xlsx",
             "志愿服务项目表.xlsx")
ROSTER = "志愿服务队伍花名册.xlsx"
TOWN = "城北街道"
COUNTY = "县中心"
PLANTED_CELL = "D7"
"""The roster's 队员 row 7 (title row, header row, then the 5th volunteer): 身份证号码."""
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

START_SECONDS = 60
"""How long the server may take to answer its first request."""
CHECK_SECONDS = 120
"""How long one upload's check may take (4 workbooks, 300 volunteers, on a slow CI machine)."""
DOCUMENT_SECONDS = 120
"""How long one document may take to render and download."""
STEP_SECONDS = 20
"""How long a plain page (login, confirm, logout) may take."""


def _browser_paths() -> tuple[str, str]:
    """(chromium, chromedriver) from PATH; skips (fails under CI) when either is missing."""
    browser = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                    if (found := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    missing = [name for name, path in (("chromium", browser), ("chromedriver", driver))
               if path is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        reason = ("browser tests need " + ", ".join(missing)
                  + " (Debian: apt-get install chromium chromium-driver)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI must run them", pytrace=False)
        pytest.skip(reason)
    assert browser is not None and driver is not None
    return browser, driver


# ---------------------------------------------------------------------- the server


@dataclass
class Server:
    url: str
    data: Path
    codes: dict[str, str]
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    try:
        with opener.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> list[str]:
    """Stop the server (SIGTERM: uvicorn's graceful shutdown closes the worker pool) and
    return the problems found: not stopping in time, processes of its group left behind."""
    problems = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM if os.name == "posix" else signal.CTRL_BREAK_EVENT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            problems.append("the server did not stop within 30 s of SIGTERM")
            proc.kill()
            proc.wait(timeout=10)
    if os.name == "posix":  # its own session: the group is the server and its workers
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            problems.append("worker processes were still running after the server stopped")
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return problems


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _browser_paths()
    from wenming_cli.config import load_config
    from wenming_cli.serve.accounts import issue_codes
    from wenming_cli.serve.db import Store

    root = tmp_path_factory.mktemp("serve-browser")
    data = root / "data"
    data.mkdir()
    (data / "wenming.toml").write_text("deadline = 2099-07-15T12:00:00\n", encoding="utf-8")
    config, _ = load_config(data)
    assert config.deadline == datetime(2099, 7, 15, 12, 0)
    codes = {c.name: c.code for c in issue_codes(Store(data), config)}
    port = _free_port()
    log = root / "server.log"
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
           "PYTHONUTF8": "1"}
    command = [sys.executable, "-c", "from wenming_cli.cli import main; main()",
               "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port),
               "--jobs", "2"]
    extra: dict[str, Any] = ({"start_new_session": True} if os.name == "posix" else
                             {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP})  # type: ignore[attr-defined]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, **extra)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(url + "/login"):
            if proc.poll() is not None:
                pytest.fail(f"wenming serve exited ({proc.returncode}):\n"
                            + log.read_text(encoding="utf-8", errors="replace"))
            if time.monotonic() > deadline:
                pytest.fail(f"wenming serve did not answer within {START_SECONDS} s:\n"
                            + log.read_text(encoding="utf-8", errors="replace"))
            time.sleep(0.2)
        yield Server(url, data, codes, log)
    finally:
        problems = _stop(proc)
    server_log = log.read_text(encoding="utf-8", errors="replace")
    assert not problems, "; ".join(problems) + "\n" + server_log
    assert "Traceback" not in server_log and "服务器内部错误" not in server_log, server_log


# ---------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(server: Server, downloads: Path) -> Iterator[Any]:
    binary, driver_path = _browser_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1366,900", "--no-proxy-server", "--lang=zh-CN",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--metrics-recording-only", "--disable-features=Translate"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "download.directory_upgrade": True,
        "safebrowsing.enabled": False,
        "intl.accept_languages": "zh-CN,zh",
    })
    service = Service(executable_path=driver_path, log_output=str(server.log.with_name(
        "chromedriver.log")))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(STEP_SECONDS * 3)
        driver.set_script_timeout(STEP_SECONDS)
        # Headless Chromium honours the download preference only with this on some versions.
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("WENMING_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


def screenshot(driver: Any, path: Path) -> None:
    """The whole page (not only the 1366×900 window) as a PNG of 128 colours (a third of the
    size, the text as sharp: these go into the repository)."""
    import base64
    import io

    from PIL import Image

    size = driver.execute_script(
        "return [Math.max(document.documentElement.scrollWidth, 1366),"
        " Math.max(document.documentElement.scrollHeight, 900)];")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})
    with Image.open(io.BytesIO(base64.b64decode(shot["data"]))) as image:
        assert image.size == (size[0], size[1]), image.size
        image.convert("RGB").quantize(128, Image.Quantize.MEDIANCUT).save(path, optimize=True)


def wait(driver: Any, seconds: float, what: str, condition: Callable[[Any], Any]) -> Any:
    """WebDriverWait with the page's text in the failure. Errors of the driver while a page
    is replaced (stale elements, "Cannot find context" while a form posts or the page refreshes
    itself) count as not yet."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.25,
                             ignored_exceptions=(WebDriverException,)).until(condition)
    except TimeoutException:
        try:
            text = driver.find_element("tag name", "body").text
        except WebDriverException:  # the page itself may be gone
            text = "(no page)"
        pytest.fail(f"waited {seconds} s for {what}; at {driver.current_url}:\n{text[:3000]}")


def navigated(driver: Any, action: Callable[[], None], what: str,
              seconds: float = STEP_SECONDS) -> None:
    """Run ``action`` (a click that submits a form) and wait until another page has loaded:
    a mark set on this page's window is gone with it."""
    driver.execute_script("window.wenmingOldPage = true;")
    action()
    wait(driver, seconds, what, lambda d: d.execute_script(
        "return window.wenmingOldPage === undefined && document.readyState === 'complete';"))


def login(driver: Any, server: Server, unit: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(server.url + "/login")
    wait(driver, STEP_SECONDS, "the login form", lambda d: d.find_elements(By.ID, "login-form"))
    Select(driver.find_element(By.ID, "unit")).select_by_value(unit)
    driver.find_element(By.ID, "code").send_keys(server.codes[unit].lower())  # any case works
    navigated(driver, driver.find_element(By.ID, "login-button").click, f"{unit} logging in")


def checked_page(driver: Any) -> Any:
    """The unit page's 发现的问题 section once no check is running, else False."""
    from selenium.webdriver.common.by import By

    if driver.find_elements(By.ID, "checking") or not driver.find_elements(By.ID, "files-table"):
        return False
    problems = driver.find_elements(By.ID, "problems")
    return problems[0] if problems else False


def upload(driver: Any, paths: list[Path]) -> Any:
    """Choose ``paths`` in the page's file input at once, press 上传, wait for the check;
    returns the 发现的问题 section."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in paths))
    navigated(driver, driver.find_element(By.ID, "upload-button").click, "the upload",
              CHECK_SECONDS)
    return wait(driver, CHECK_SECONDS, "the check to finish", checked_page)


def planted_roster(folder: Path) -> tuple[Path, str]:
    """A copy of the sample roster whose 队员!D7 身份证号码 has a wrong check digit."""
    from openpyxl import load_workbook

    target = folder / ROSTER
    wb = load_workbook(SAMPLE / ROSTER)
    ws = wb["队员"]
    good = str(ws[PLANTED_CELL].value)
    assert len(good) == 18, good
    bad = good[:-1] + ("4" if good[-1] != "4" else "5")
    ws[PLANTED_CELL].value = bad
    wb.save(target)
    wb.close()
    return target, bad


def downloaded(folder: Path, suffix: str) -> Callable[[Any], Path | bool]:
    def done(_: Any) -> Path | bool:
        if any(p.name.endswith((".crdownload", ".tmp")) for p in folder.iterdir()):
            return False
        found = sorted(folder.glob("*" + suffix))
        return found[0] if found and found[0].stat().st_size > 0 else False

    return done


# ---------------------------------------------------------------------- tests


def test_login_page_refuses_a_wrong_code(server: Server, browser: Any, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/units/" + TOWN)  # no session: to the login page
    wait(browser, STEP_SECONDS, "the login page", lambda d: d.find_elements(By.ID, "login-form"))
    assert browser.current_url.endswith("/login")
    options = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "unit")).options]
    assert COUNTY in options and TOWN in options
    assert "登录" in browser.title or "报送" in browser.title
    screenshot(browser, shots / "login.png")

    Select(browser.find_element(By.ID, "unit")).select_by_value(TOWN)
    browser.find_element(By.ID, "code").send_keys("AAAA-BBBB-CCCC")
    navigated(browser, browser.find_element(By.ID, "login-button").click, "the refused login")
    message = wait(browser, STEP_SECONDS, "the refusal",
                   lambda d: d.find_elements(By.ID, "login-message"))
    assert "登录码不对" in message[0].text
    assert browser.current_url.endswith("/login")


def test_town_uploads_fixes_downloads_confirms_and_county_sees_it(
        server: Server, browser: Any, shots: Path, downloads: Path,
        tmp_path: Path) -> None:
    from docx import Document
    from selenium.webdriver.common.by import By

    # 1. The town logs in and lands on its own page, with nothing uploaded yet.
    login(browser, server, TOWN)
    assert browser.current_url.endswith("/units/" + "%E5%9F%8E%E5%8C%97%E8%A1%97%E9%81%93")
    wait(browser, STEP_SECONDS, "the empty unit page",
         lambda d: d.find_elements(By.ID, "nothing-yet"))
    assert "未上传" in browser.find_element(By.ID, "submission").text

    # 上传 with nothing chosen: told so, nothing taken.
    navigated(browser, browser.find_element(By.ID, "upload-button").click, "the empty upload")
    refused = wait(browser, STEP_SECONDS, "the refusal", lambda d: d.find_elements(By.ID, "refused"))
    assert "没有选择文件" in refused[0].text, refused[0].text
    assert browser.find_elements(By.ID, "nothing-yet")

    # 2. The four workbooks at once, the roster with a wrong 身份证号码 check digit.
    roster, bad_id = planted_roster(tmp_path)
    problems = upload(browser, [roster if name == ROSTER else SAMPLE / name
                                for name in WORKBOOKS])
    assert not browser.find_elements(By.ID, "refused"), browser.find_element(By.ID, "refused").text
    files = browser.find_elements(By.CSS_SELECTOR, "#files-table tbody tr")
    assert sorted(row.find_elements(By.TAG_NAME, "td")[0].text for row in files) == sorted(WORKBOOKS)
    text = problems.text
    assert f"队员!{PLANTED_CELL}" in text, text
    assert "校验位" in text, text
    assert "错误 1 个" in text, text
    assert bad_id not in browser.page_source  # the page masks ID numbers
    assert str(server.data) not in browser.page_source  # nor shows the server's folders
    assert "已上传未确认" in browser.find_element(By.ID, "submission").text
    screenshot(browser, shots / "unit-errors.png")

    # 3. The corrected roster replaces the planted one: no errors left.
    problems = upload(browser, [SAMPLE / ROSTER])
    assert not browser.find_elements(By.ID, "refused"), browser.find_element(By.ID, "refused").text
    text = problems.text
    assert f"队员!{PLANTED_CELL}" not in text, text
    assert browser.find_elements(By.ID, "no-problems") or "错误 0 个" in text, text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#files-table tbody tr")) == 4

    # 4. The 自评报告 through the page's link (a real browser download).
    link = browser.find_element(By.LINK_TEXT, "自评报告")
    assert list(downloads.iterdir()) == []
    link.click()
    report = wait(browser, DOCUMENT_SECONDS, "the 自评报告 download", downloaded(downloads, ".docx"))
    assert isinstance(report, Path) and "自评报告" in report.name
    paragraphs = [p.text for p in Document(str(report)).paragraphs]
    assert any(TOWN in p for p in paragraphs), paragraphs[:20]

    # 5. 确认报送: the server's clock, on time (the deadline is in 2099).
    before = datetime.now().replace(microsecond=0)
    navigated(browser, browser.find_element(By.ID, "confirm-button").click, "确认报送")
    after = datetime.now()
    confirmed = wait(browser, STEP_SECONDS, "the confirmation",
                     lambda d: d.find_elements(By.ID, "confirmed"))[0].text
    assert "按时" in confirmed, confirmed
    assert "已报送（按时）" in browser.find_element(By.ID, "submission").text
    stamp = confirmed.split("已于 ", 1)[1].split(" 确认报送", 1)[0]
    confirmed_at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    assert before <= confirmed_at <= after, (before, confirmed_at, after)
    assert not browser.find_elements(By.ID, "confirm-button")
    screenshot(browser, shots / "unit-ok.png")

    # 6. Log out: back to the login page, the unit page is closed again.
    navigated(browser, browser.find_element(By.CSS_SELECTOR, "form.logout button").click,
              "logging out")
    wait(browser, STEP_SECONDS, "the login page", lambda d: d.find_elements(By.ID, "login-form"))
    browser.get(server.url + "/units/" + TOWN)
    wait(browser, STEP_SECONDS, "the login page again",
         lambda d: d.find_elements(By.ID, "login-form"))

    # 7. 县中心 sees the town 已报送（按时） at the server's time.
    login(browser, server, COUNTY)
    assert browser.current_url.endswith("/county")
    table = wait(browser, STEP_SECONDS, "the county table",
                 lambda d: d.find_elements(By.ID, "status-table"))[0]
    header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = {}
    for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        rows[cells[header.index("填报单位")]] = dict(zip(header, cells, strict=True))
    town = rows[TOWN]
    assert town["报送"] == "已报送（按时）", town
    assert town["确认时间"] == confirmed_at.strftime("%Y-%m-%d %H:%M:%S"), town
    assert town["错误"] == "0" and town["已交表格"] == "4/4", town
    others = [name for name, row in rows.items() if name != TOWN]
    assert others and all(rows[name]["报送"] == "未上传" for name in others)
    assert list(rows)[-1] == TOWN  # phone order: the ones to chase first
    assert "服务器时间" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, shots / "county.png")
