"""`wenming serve` through FastAPI's TestClient (issue 13): sessions, CSRF, rate limit, a unit
kept out of every other unit's routes, hostile uploads refused with nothing written, 旧版/,
concurrent uploads, confirmation against the server clock, the county's table, documents."""

from __future__ import annotations

import io
import sqlite3
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from wenming_cli.config import load_config
from wenming_cli.serve.accounts import ALPHABET, COUNTY, check_code, issue_codes
from wenming_cli.serve.app import create_app
from wenming_cli.serve.db import Store

SAMPLE = Path(__file__).parents[1] / "src" / "wenming_cli" / "sample_data"
TOWN, OTHER = "城北街道", "城南街道"
FUTURE = 'deadline = 2099-07-15T12:00:00\n[serve]\nmax_file_mb = 0.5\nmax_photos = 5\n'


def make_data(folder: Path, toml: str = FUTURE) -> dict[str, str]:
    """A data folder with a wenming.toml; returns every account's code."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wenming.toml").write_text(toml, encoding="utf-8")
    config, _ = load_config(folder)
    return {c.name: c.code for c in issue_codes(Store(folder), config)}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    data = tmp_path / "data"
    codes = make_data(data)
    with TestClient(create_app(data, workers=0)) as client:
        yield client, codes, data


def token(client: TestClient) -> str:
    return str(client.get("/api/session").json()["csrf_token"])


def login(client: TestClient, codes: dict[str, str], unit: str) -> str:
    """Log ``unit`` in; returns the session's CSRF token."""
    response = client.post("/login", data={"code": codes[unit], "unit": unit,
                                           "csrf_token": token(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return token(client)


def workbooks(unit: str = TOWN) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in sorted((SAMPLE / unit).glob("*.xlsx"))]


def upload(client: TestClient, unit: str, csrf: str, files: list[Any], **params: Any) -> Any:
    return client.post(f"/api/units/{unit}/files", files=files, headers={"X-CSRF-Token": csrf},
                       params=params)


def unit_files(folder: Path) -> set[str]:
    """Every file under a unit's folder, relative, without the hidden ones."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


# ---------------------------------------------------------------------- accounts


def test_codes_are_long_unambiguous_and_stored_only_as_hashes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    codes = make_data(data)
    config, _ = load_config(data)
    assert set(codes) == {COUNTY, *(t.name for t in config.towns), *config.units,
                          *config.county_teams}
    assert len(codes) == 1 + 17 + 22 + 12
    for code in codes.values():
        raw = code.replace("-", "")
        assert len(raw) >= 10 and set(raw) <= set(ALPHABET)
        assert not set(raw) & set("0O1lI")
    stored = (data / ".wenming" / "server.sqlite3").read_bytes()
    for code in codes.values():
        assert code.encode() not in stored and code.replace("-", "").encode() not in stored
    store = Store(data)
    account = store.account(TOWN)
    assert account is not None and check_code(codes[TOWN].lower(), account.salt, account.hash)
    assert not check_code(codes[OTHER], account.salt, account.hash)
    # a second run issues nothing; --reset gives one unit a new code
    assert issue_codes(store, config) == []
    (again,) = issue_codes(store, config, reset=[TOWN])
    assert again.name == TOWN and again.code != codes[TOWN]
    with pytest.raises(ValueError, match="不是配置中的填报单位"):
        issue_codes(store, config, reset=["不存在镇"])


def test_accounts_command_writes_the_list_to_hand_out(tmp_path: Path, monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from wenming_cli.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["accounts", "--out", "登录码.xlsx"])
    assert result.exit_code == 0, result.output
    assert "已生成 52 个登录码" in result.output
    book = load_workbook(tmp_path / "登录码.xlsx")
    assert book.sheetnames == ["登录码", "县中心（单独保管）"]
    ws = book["登录码"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    assert len(rows) == 51 and rows[0][1] == TOWN and COUNTY not in {r[1] for r in rows}
    assert all(r[4] for r in rows)  # the address on every strip
    (county,) = [r for r in book["县中心（单独保管）"].iter_rows(min_row=4, values_only=True)]
    assert county[1] == COUNTY and len(str(county[3]).replace("-", "")) == 12
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "portrait"
    over = runner.invoke(app, ["accounts", "--out", "登录码.xlsx", "--reset", TOWN])
    assert over.exit_code == 2 and "已存在" in over.output
    again = runner.invoke(app, ["accounts", "--out", "登录码2.xlsx"])
    assert again.exit_code == 0 and "所有单位都已有登录码" in again.output
    reset = runner.invoke(app, ["accounts", "--out", "重发.xlsx", "--reset", TOWN])
    assert reset.exit_code == 0 and "已生成 1 个登录码" in reset.output
    bad = runner.invoke(app, ["accounts", "--reset", "火星镇", "--out", "火星.xlsx"])
    assert bad.exit_code == 2 and "不是配置中的填报单位" in bad.output


# ---------------------------------------------------------------------- sessions


def test_no_session_is_401_and_pages_go_to_login(desk: Any) -> None:
    client, _, _ = desk
    for method, url in [("get", f"/api/units/{TOWN}"), ("post", f"/api/units/{TOWN}/files"),
                        ("post", f"/api/units/{TOWN}/confirm"),
                        ("get", f"/api/units/{TOWN}/documents/自评报告"),
                        ("get", f"/api/units/{TOWN}/events"), ("get", "/api/status"),
                        ("get", "/api/county/documents/全县汇总")]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, (url, response.status_code)
        assert response.json()["detail"] == "请先登录。"
    page = client.get(f"/units/{TOWN}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_session_cookie_is_httponly_samesite_strict_with_csp(desk: Any) -> None:
    client, codes, _ = desk
    response = client.post("/login", data={"code": codes[TOWN], "unit": TOWN,
                                           "csrf_token": token(client)}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = client.get(f"/units/{TOWN}")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["cache-control"] == "no-store"
    assert 'href="/static/style.css"' in page.text and "http://" not in page.text


def test_csrf_missing_or_wrong_is_refused(desk: Any) -> None:
    client, codes, data = desk
    assert client.post("/login", data={"code": codes[TOWN], "unit": TOWN}).status_code == 403
    csrf = login(client, codes, TOWN)
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post(f"/api/units/{TOWN}/files", files=workbooks(), headers=headers)
        assert response.status_code == 403
        assert "安全校验码" in response.json()["detail"]
        assert client.post(f"/api/units/{TOWN}/confirm", headers=headers).status_code == 403
    assert client.post(f"/units/{TOWN}/upload", files=workbooks()).status_code == 403
    assert client.post("/logout").status_code == 403
    assert not (data / TOWN).exists() or unit_files(data / TOWN) == set()
    assert upload(client, TOWN, csrf, workbooks()).status_code == 200


def test_sixth_wrong_login_in_a_minute_is_refused(desk: Any) -> None:
    client, codes, data = desk
    for _ in range(5):
        wrong = client.post("/login", data={"code": "AAAA-BBBB-CCCC", "unit": TOWN,
                                            "csrf_token": token(client)})
        assert wrong.status_code == 401 and "登录码不对" in wrong.json()["detail"]
    sixth = client.post("/login", data={"code": codes[TOWN], "unit": TOWN,
                                        "csrf_token": token(client)}, follow_redirects=False)
    assert sixth.status_code == 429 and "次数过多" in sixth.json()["detail"]
    assert 0 < int(sixth.headers["retry-after"]) <= 60
    # the limit is per client address too: another unit from the same address is refused
    other = client.post("/login", data={"code": codes[OTHER], "unit": OTHER,
                                        "csrf_token": token(client)}, follow_redirects=False)
    assert other.status_code == 429
    db = sqlite3.connect(data / ".wenming" / "server.sqlite3")
    actions = [a for (a,) in db.execute("SELECT action FROM events ORDER BY id")]
    assert actions == ["login-failed"] * 5 + ["login-refused"] * 2


def test_a_clerk_with_the_right_code_is_not_locked_out_by_guessing_elsewhere(desk: Any) -> None:
    from wenming_cli.serve.security import LoginLimiter

    limiter = LoginLimiter()
    for n in range(5):  # five addresses guessing at 县中心
        limiter.failed(f"10.0.0.{n}", COUNTY)
    assert limiter.blocked("10.0.0.9", COUNTY) == 0  # the office, right at the first try
    limiter.failed("10.0.0.9", COUNTY)
    assert limiter.blocked("10.0.0.9", COUNTY) > 0  # once wrong, it waits like the guessers
    client, codes, _ = desk
    typed = codes[TOWN].translate({ord(c): ord(c) + 0xFEE0 for c in "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    full_width = client.post("/login", data={"code": typed, "unit": TOWN,
                                             "csrf_token": token(client)}, follow_redirects=False)
    assert full_width.status_code == 303  # typed by a Chinese input method in full width


def test_logout_ends_the_session_on_the_server(desk: Any) -> None:
    client, codes, _ = desk
    csrf = login(client, codes, TOWN)
    kept = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False
                       ).status_code == 303
    client.cookies.clear()
    for name, value in kept.items():
        client.cookies.set(name, value)
    assert client.get(f"/api/units/{TOWN}").status_code == 401


def test_reset_code_ends_the_old_session(desk: Any) -> None:
    client, codes, data = desk
    login(client, codes, TOWN)
    assert client.get(f"/api/units/{TOWN}").status_code == 200
    config, _ = load_config(data)
    issue_codes(Store(data), config, reset=[TOWN])
    assert client.get(f"/api/units/{TOWN}").status_code == 401


# ---------------------------------------------------------------------- one unit only


def test_a_unit_cannot_reach_another_unit_on_any_route(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, OTHER)
    assert upload(client, OTHER, csrf, workbooks(OTHER)).status_code == 200
    before = unit_files(data / OTHER)
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, codes, TOWN)
    headers = {"X-CSRF-Token": csrf}
    attempts = [
        client.get(f"/api/units/{OTHER}"),
        client.post(f"/api/units/{OTHER}/files", files=workbooks(), headers=headers),
        client.post(f"/api/units/{OTHER}/confirm", headers=headers),
        client.get(f"/api/units/{OTHER}/events"),
        client.get(f"/units/{OTHER}"),
        client.post(f"/units/{OTHER}/upload", files=workbooks(), data={"csrf_token": csrf}),
        client.post(f"/units/{OTHER}/confirm", data={"csrf_token": csrf}),
        client.get("/api/status"),
        client.get("/county"),
        client.get("/api/county/documents/全县汇总"),
        client.get("/county/documents/全部材料"),
        client.get(f"/api/units/{COUNTY}"),
        client.get("/api/units/不存在镇"),
        client.get("/api/units/..%2F城南街道"),
    ] + [client.get(f"/api/units/{OTHER}/documents/{kind}")
         for kind in ("自评报告", "半年小结", "花名册", "活动计划一览表", "项目表", "图片资料汇编",
                      "材料包", "问题标注")] + [
        client.get(f"/units/{OTHER}/documents/自评报告")]
    for response in attempts:
        assert response.status_code == 404, (response.url, response.status_code)
    assert unit_files(data / OTHER) == before
    assert not (data / ".wenming" / "输出" / OTHER).exists()


def test_the_county_sees_every_unit_but_is_not_a_unit(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    upload(client, TOWN, csrf, workbooks())
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, codes, COUNTY)
    assert client.get(f"/api/units/{TOWN}").json()["files"]
    assert client.get(f"/units/{TOWN}").status_code == 200
    assert client.get(f"/api/units/{COUNTY}").status_code == 404
    for hidden in ("..", ".wenming", "%2E%2E"):
        assert client.get(f"/api/units/{hidden}").status_code == 404, hidden
    rows = client.get("/api/status").json()
    assert len(rows) == 51 and {r["name"] for r in rows} >= {TOWN, OTHER}
    assert rows[-1]["name"] == TOWN and rows[-1]["submission"] == "已上传未确认"
    assert rows[0]["submission"] == "未上传"


# ---------------------------------------------------------------------- uploads


def test_upload_shows_reading_problems_and_checklist(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    response = upload(client, TOWN, csrf, workbooks())
    assert response.status_code == 200
    result = response.json()
    assert {f["name"] for f in result["placed"]} == {p.name for p in (SAMPLE / TOWN).glob("*.xlsx")}
    assert [f["kind"] for f in result["files"]] and all(f["uploaded_at"] for f in result["files"])
    assert result["reading"] and result["checklists"][0]["unit"] == TOWN
    assert result["errors"] == 0 and result["confirmation"]["state"] == "已上传未确认"
    for name in result["placed"]:
        assert (data / TOWN / name["name"]).is_file()
    page = client.get(f"/units/{TOWN}").text
    assert "读取情况" in page and "“五有”对标情况" in page and "志愿服务队伍花名册.xlsx" in page


def planted_roster(tmp_path: Path, bad: bool, version: int = 0) -> Path:
    """城北街道's roster with the first 身份证号码 made wrong (check digit) or left right;
    ``version`` > 0 also changes a volunteer's name (so that each version is another file)."""
    book = load_workbook(SAMPLE / TOWN / "志愿服务队伍花名册.xlsx")
    ws = book["队员"]
    header = next(r for r in range(1, 6) if any("身份证" in str(c.value or "") for c in ws[r]))
    column = next(c.column for c in ws[header] if "身份证" in str(c.value or ""))
    cell = ws.cell(header + 2, column)
    value = str(cell.value)
    if bad:
        cell.value = value[:-1] + ("0" if value[-1] != "0" else "1")
    if version:
        name_column = next(c.column for c in ws[header] if "姓名" in str(c.value or ""))
        ws.cell(header + 3, name_column).value = f"张{'一二三四五六七八九十'[version % 10]}"
    target = tmp_path / f"{'bad' if bad else 'good'}{version}" / "花名册.xlsx"
    target.parent.mkdir(exist_ok=True)
    book.save(target)
    return target


def test_a_planted_error_names_its_cell_and_the_id_is_masked(desk: Any, tmp_path: Path) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    upload(client, TOWN, csrf, workbooks())
    bad = planted_roster(tmp_path, bad=True)
    result = upload(client, TOWN, csrf, [("files", (bad.name, bad.read_bytes()))]).json()
    errors = [i for i in result["issues"] if i["severity"] == "错误"]
    assert errors and errors[0]["sheet"] == "队员" and errors[0]["cell"]
    # stored under its kind's name, replacing the previous roster
    assert result["placed"][0]["name"] == "志愿服务队伍花名册.xlsx"
    page = client.get(f"/units/{TOWN}").text
    assert f"队员!{errors[0]['cell']}" in page
    ids = [str(c.value) for row in load_workbook(bad)["队员"].iter_rows() for c in row
           if c.value and len(str(c.value)) == 18 and str(c.value)[:6].isdigit()]
    assert ids and not any(i in page for i in ids)


def test_reupload_keeps_the_previous_file_in_old_versions(desk: Any, tmp_path: Path) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    upload(client, TOWN, csrf, workbooks())
    first = (data / TOWN / "志愿服务队伍花名册.xlsx").read_bytes()
    bad = planted_roster(tmp_path, bad=True)
    upload(client, TOWN, csrf, [("files", ("花名册（改）.xlsx", bad.read_bytes()))])
    assert (data / TOWN / "志愿服务队伍花名册.xlsx").read_bytes() == bad.read_bytes()
    kept = list((data / TOWN / "旧版").glob("*/志愿服务队伍花名册.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes() == first
    # the CLI does not read 旧版/ or .wenming/: the unit still has four workbooks
    from wenming_cli.units import discover

    (source,) = discover([data / TOWN])
    assert len(source.files) == 4 and all(p.parent == data / TOWN for p in source.files)
    units = discover([data])
    assert [u.name for u in units] == [TOWN]


def _zip(members: dict[str, bytes], **kwargs: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def test_hostile_uploads_are_refused_in_chinese_and_nothing_is_written(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    symlink = io.BytesIO()
    with zipfile.ZipFile(symlink, "w") as archive:
        info = zipfile.ZipInfo("link.jpg")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    cases = {
        "oversized": ("大照片.jpg", JPEG + b"\x00" * (600 * 1024), "超过 0.5 MB"),
        "exe": ("花名册.xlsx", b"MZ\x90\x00" + b"\x00" * 500, "Windows 程序"),
        "dotdot": ("../../wenming.toml.xlsx", (SAMPLE / TOWN / "志愿服务项目表.xlsx").read_bytes(),
                   "文件夹路径"),
        "slip": ("照片.zip", _zip({"../../evil.jpg": JPEG}), "压缩包以外"),
        "bomb": ("照片.zip", _zip({"bomb.jpg": JPEG + b"\x00" * (60 * 2**20)}), "压缩炸弹"),
        "symlink": ("照片.zip", symlink.getvalue(), "符号链接"),
        "docx": ("自评报告.docx", b"PK\x03\x04", "只接收"),
        "empty": ("空.xlsx", b"", "0 字节"),
        "broken": ("坏表.xlsx", b"PK\x03\x04" + b"\x00" * 100, "损坏"),
    }
    for case, (name, body, words) in cases.items():
        response = upload(client, TOWN, csrf, [("files", (name, body))])
        assert response.status_code == 400, case
        refused = response.json()["refused"]
        assert len(refused) == 1 and words in refused[0]["reason"], (case, refused)
        assert not (data / TOWN).exists(), case  # not even an empty folder
    assert not (data.parent / "evil.jpg").exists() and not (data / "evil.jpg").exists()
    leftovers = [p for p in (data / TOWN).iterdir()] if (data / TOWN).exists() else []
    assert leftovers == []  # no staging folder left behind
    events = client.get(f"/api/units/{TOWN}/events").json()
    assert sum(e["action"] == "refused" for e in events) == len(cases)


def test_errors_a_user_can_cause_are_chinese(desk: Any) -> None:
    client, codes, _ = desk
    login(client, codes, TOWN)
    for response in (client.get("/logout"), client.get("/static/nope.css"),
                     client.get("/api/nothing"), client.put(f"/api/units/{TOWN}")):
        assert response.status_code in (404, 405)
        assert "Not Found" not in response.text and "Method Not Allowed" not in response.text
        assert "页面" in response.text or "网址" in response.text


def test_request_over_the_cap_is_413_before_parsing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    codes = make_data(data, FUTURE.replace("[serve]\n", "[serve]\nmax_request_mb = 1\n"))
    with TestClient(create_app(data, workers=0)) as client:
        csrf = login(client, codes, TOWN)
        response = upload(client, TOWN, csrf, [("files", ("a.jpg", JPEG + b"\x00" * 3 * 2**20))])
        assert response.status_code == 413 and "超过 1 MB" in response.json()["detail"]
        form = client.post(f"/units/{TOWN}/upload", data={"csrf_token": csrf},
                           files=[("files", ("a.jpg", JPEG + b"\x00" * 3 * 2**20))])
        assert form.status_code == 413 and form.headers["content-type"].startswith("text/html")
        assert "分几次上传" in form.text
    assert not (data / TOWN).exists() or unit_files(data / TOWN) == set()


def test_photos_land_in_the_photo_folder_also_from_a_gbk_zip(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    # Windows' own 压缩(zipped)文件夹 writes names in GBK without the UTF-8 flag: written here
    # under an ASCII name of the same length, whose bytes are then swapped for the GBK ones
    gbk = "活动/宣讲.jpg".encode("gbk")
    placeholder = "A" * 4 + "/" + "B" * 4 + ".jpg"
    assert len(gbk) == len(placeholder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(placeholder, JPEG)
        archive.writestr("Thumbs.db", b"x")
    packed = buffer.getvalue().replace(placeholder.encode(), gbk)
    result = upload(client, TOWN, csrf, [("files", ("照片.zip", packed)),
                                         ("files", ("合影.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50))
                                         ]).json()
    assert sorted(f["name"] for f in result["placed"]) == ["图片资料/合影.png", "图片资料/宣讲.jpg"]
    assert (data / TOWN / "图片资料" / "宣讲.jpg").read_bytes() == JPEG
    assert any("Thumbs.db" in r["reason"] for r in result["refused"])
    assert "已收到：照片 2 张（宣讲.jpg、合影.png）" in client.get(f"/units/{TOWN}").text
    too_many = [("files", (f"p{n}.jpg", JPEG)) for n in range(6)]
    over = upload(client, TOWN, csrf, too_many).json()
    assert over["placed"] == [] and "最多 5 张" in over["refused"][0]["reason"]


def test_concurrent_uploads_leave_the_last_complete_file_and_log_every_event(
        desk: Any, tmp_path: Path) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    bodies = [planted_roster(tmp_path, bad=n % 2 == 0, version=n + 1).read_bytes()
              for n in range(8)]
    results: list[Any] = [None] * len(bodies)

    def send(n: int) -> None:
        results[n] = upload(client, TOWN, csrf, [("files", (f"花名册{n}.xlsx", bodies[n]))])

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r is not None and r.status_code == 200 for r in results)
    roster = (data / TOWN / "志愿服务队伍花名册.xlsx").read_bytes()
    assert roster in bodies
    kept = sorted((data / TOWN / "旧版").glob("*/志愿服务队伍花名册.xlsx"))
    assert len(kept) == len(bodies) - 1
    assert sorted(p.read_bytes() for p in kept + [data / TOWN / "志愿服务队伍花名册.xlsx"]) == sorted(bodies)  # none lost
    events = [e for e in client.get(f"/api/units/{TOWN}/events").json()
              if e["action"] == "upload"]
    assert len(events) == len(bodies)
    # the newest upload event is the file now in place, and the result shown is of that file
    import hashlib

    assert events[0]["sha256"] == hashlib.sha256(roster).hexdigest()
    shown = client.get(f"/api/units/{TOWN}").json()
    assert shown["files"][0]["sha256"] == hashlib.sha256(roster).hexdigest()
    assert (shown["errors"] > 0) == (bodies.index(roster) % 2 == 0)


# ---------------------------------------------------------------------- confirmation


def test_confirm_records_server_time_and_hashes_and_a_new_upload_needs_a_new_one(
        desk: Any, tmp_path: Path) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    assert client.post(f"/api/units/{TOWN}/confirm",
                       headers={"X-CSRF-Token": csrf}).status_code == 409  # nothing uploaded
    upload(client, TOWN, csrf, workbooks())
    confirmed = client.post(f"/api/units/{TOWN}/confirm", headers={"X-CSRF-Token": csrf}).json()
    state = confirmed["confirmation"]
    assert state["state"] == "已报送（按时）" and state["on_time"] and state["confirmed_at"]
    again = client.post(f"/api/units/{TOWN}/confirm", headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409 and "确认报送过了" in again.json()["detail"]
    good = planted_roster(tmp_path, bad=False)
    upload(client, TOWN, csrf, [("files", ("花名册.xlsx", good.read_bytes()))])
    assert client.get(f"/api/units/{TOWN}").json()["confirmation"]["state"] == "已上传未确认"
    client.post(f"/api/units/{TOWN}/confirm", headers={"X-CSRF-Token": csrf})
    client.post("/logout", data={"csrf_token": csrf})
    login(client, codes, COUNTY)
    row = next(r for r in client.get("/api/status").json() if r["name"] == TOWN)
    assert row["submission"] == "已报送（按时）" and row["confirmed_at"] and row["last_upload"]
    db = sqlite3.connect(data / ".wenming" / "server.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM confirmations WHERE unit = ?", (TOWN,)).fetchone()[0] == 2


def test_after_the_deadline_a_confirmed_unit_cannot_replace_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    codes = make_data(data, "deadline = 2022-07-15T12:00:00\n")
    with TestClient(create_app(data, workers=0)) as client:
        csrf = login(client, codes, TOWN)
        upload(client, TOWN, csrf, workbooks())
        state = client.post(f"/api/units/{TOWN}/confirm",
                            headers={"X-CSRF-Token": csrf}).json()["confirmation"]
        assert state["state"] == "已报送（逾期）" and state["on_time"] is False
        late = upload(client, TOWN, csrf, workbooks())
        assert late.status_code == 409 and "截止时间已过" in late.json()["detail"]


# ---------------------------------------------------------------------- documents


def test_unit_documents_download_and_open(desk: Any) -> None:
    from docx import Document

    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    missing = client.get(f"/api/units/{TOWN}/documents/自评报告")
    assert missing.status_code == 409 and "还没有上传表格" in missing.json()["detail"]
    upload(client, TOWN, csrf, workbooks())
    for kind in ("自评报告", "半年小结", "花名册", "材料包"):
        response = client.get(f"/api/units/{TOWN}/documents/{kind}")
        assert response.status_code == 200, (kind, response.text)
        assert "attachment" in response.headers["content-disposition"]
        if kind != "材料包":
            text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
            assert TOWN in text
        else:
            assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert client.get(f"/api/units/{TOWN}/documents/不存在").status_code == 404
    blank = zipfile.ZipFile(io.BytesIO(client.get(f"/api/units/{TOWN}/documents/空白模板").content))
    assert sorted(Path(n).name for n in blank.namelist()) == sorted(
        p.name for p in (SAMPLE / TOWN).glob("*.xlsx"))
    no_marks = client.get(f"/api/units/{TOWN}/documents/问题标注")
    assert no_marks.status_code in (200, 409)


def test_county_downloads(desk: Any) -> None:
    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    upload(client, TOWN, csrf, workbooks())
    client.post("/logout", data={"csrf_token": csrf})
    login(client, codes, COUNTY)
    early = client.get("/api/county/documents/全县汇总")
    assert early.status_code == 409 and "还没有单位确认报送" in early.json()["detail"]
    client.post("/logout", data={"csrf_token": token(client)})
    csrf = login(client, codes, TOWN)
    client.post(f"/api/units/{TOWN}/confirm", headers={"X-CSRF-Token": csrf})
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, codes, OTHER)
    upload(client, OTHER, csrf, workbooks(OTHER))  # uploaded, not confirmed: not in the 汇总
    client.post("/logout", data={"csrf_token": csrf})
    login(client, codes, COUNTY)
    from docx import Document

    summary = client.get("/api/county/documents/全县汇总")
    text = "\n".join(p.text for p in Document(io.BytesIO(summary.content)).paragraphs)
    assert "已报送的1个镇（街道）" in text, text[:2000]
    for kind, suffix in (("全县汇总", "docx"), ("问题清单", "xlsx"), ("全部材料", "zip")):
        response = client.get(f"/api/county/documents/{kind}")
        assert response.status_code == 200, (kind, response.text)
        assert suffix in response.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(client.get("/api/county/documents/全部材料").content)
                            ).namelist()
    assert f"{TOWN}/志愿服务队伍花名册.xlsx" in names and not any("旧版" in n for n in names)


def test_worker_processes_and_files_found_at_start(tmp_path: Path) -> None:
    """With a real process pool; a unit copied into the data folder by hand is checked at
    start and shows on the county's table."""
    import shutil
    import time

    data = tmp_path / "data"
    codes = make_data(data)
    shutil.copytree(SAMPLE / OTHER, data / OTHER)
    with TestClient(create_app(data, workers=1)) as client:
        login(client, codes, COUNTY)
        for _ in range(300):
            row = next(r for r in client.get("/api/status").json() if r["name"] == OTHER)
            if row["present"] and not row["checking"]:
                break
            time.sleep(0.1)
        assert row["present"] and row["submission"] == "已上传未确认"
        assert len(row["workbooks"]) == 4
        # copied in while the server runs: the county's table picks it up without a restart
        shutil.copytree(SAMPLE / "县文旅局", data / "县文旅局")
        for _ in range(300):
            row = next(r for r in client.get("/api/status").json() if r["name"] == "县文旅局")
            if row["present"] and not row["checking"]:
                break
            time.sleep(0.1)
        assert row["present"] and len(row["workbooks"]) == 4


def test_readme_lists_every_api_route_and_document(tmp_path: Path) -> None:
    from wenming_cli.serve import work

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    app = create_app(tmp_path, workers=0)
    paths = {getattr(r, "path", "") for r in app.routes}
    api = {p for p in paths if p.startswith("/api/") and p != "/api/openapi.json"}
    assert len(api) == 8
    for path in api | {"/login", "/logout"}:
        shown = path.replace("{unit}", "{单位}").replace("{kind}", "{文档}")
        assert f"`GET {shown}" in readme or f"`POST {shown}" in readme, path
    documents = readme.split("GET /api/units/{单位}/documents/{文档}`")[1].split("\n")[0]
    assert all(kind in documents for kind in work.DOCUMENT_KINDS)
    county = readme.split("GET /api/county/documents/{文档}`")[1].split("\n")[0]
    assert all(kind in county for kind in work.COUNTY_KINDS)


def test_serve_command_prints_where_to_open_it(tmp_path: Path, monkeypatch: Any) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from wenming_cli.cli import app

    started: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, host, port, **_: started.append(
        (host, port)))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    local = runner.invoke(app, ["serve"])
    assert local.exit_code == 0, local.output
    assert "已新建数据文件夹" in local.output and "还没有登录码" in local.output
    assert "http://127.0.0.1:8765/" in local.output and "注意" not in local.output.split("登录码")[1]
    lan = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert lan.exit_code == 0 and "局域网内的其他电脑都能打开本系统" in lan.output
    assert started == [("127.0.0.1", 8765), ("0.0.0.0", 9000)]
    assert (tmp_path / "data" / ".wenming" / "server.sqlite3").is_file()
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = runner.invoke(app, ["serve", "--port", str(taken.getsockname()[1])])
    assert busy.exit_code == 2 and "端口已被占用" in busy.output and len(started) == 2
    (tmp_path / "file").write_text("x")
    bad = runner.invoke(app, ["serve", "--data", "file"])
    assert bad.exit_code == 2 and "不是文件夹" in bad.output


def test_the_page_upload_says_what_was_taken_and_what_not(desk: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    other = Workbook()
    other.active.append(["品名", "单价", "数量"])
    stranger = tmp_path / "采购清单.xlsx"
    other.save(stranger)
    nothing = client.post(f"/units/{TOWN}/upload", data={"csrf_token": csrf},
                          files=[("files", ("程序.xlsx", b"MZ" + b"\x00" * 64))])
    assert nothing.status_code == 200 and "Windows 程序" in nothing.text  # after the redirect
    page = client.post(f"/units/{TOWN}/upload", data={"csrf_token": csrf},
                       files=workbooks()[:1] + [("files", (stranger.name, stranger.read_bytes()))])
    assert page.status_code == 200
    assert "已收到：基本情况与自评表.xlsx" in page.text and "['" not in page.text
    # the hints say what to do on this page, not which command to run
    hints = " ".join(i["hint"] for i in client.get(f"/api/units/{TOWN}").json()["issues"])
    assert "下载“空白模板”" in hints and "wenming" not in hints and "再运行" not in hints
    assert "采购清单.xlsx" in page.text and "不是这四种表格之一" in page.text
    assert not (data / TOWN / "采购清单.xlsx").exists()


def test_odd_names_same_file_twice_and_blank_templates(desk: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wenming_cli.cli import app

    client, codes, data = desk
    csrf = login(client, codes, TOWN)
    photo = [("files", ("活动" * 60 + ".jpg", JPEG)),
             ("files", ("合影\u202egpj.jpg", JPEG + b"1")), ("files", ("CON.jpg", JPEG + b"2"))]
    names = sorted(Path(f["name"]).name for f in upload(client, TOWN, csrf, photo).json()["placed"])
    assert all(len(n.encode()) <= 200 for n in names) and "\u202e" not in "".join(names)
    assert "_CON.jpg" in names
    upload(client, TOWN, csrf, workbooks()[:1])
    upload(client, TOWN, csrf, workbooks()[:1])  # the same file again: no second copy kept
    assert not (data / TOWN / "旧版").exists()
    # blank templates cannot be confirmed
    blank = tmp_path / "blank"
    assert CliRunner().invoke(app, ["init-templates", "--town", OTHER, "--out", str(blank)]
                              ).exit_code == 0
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, codes, OTHER)
    upload(client, OTHER, csrf, [("files", (p.name, p.read_bytes()))
                                 for p in sorted((blank / OTHER).glob("*.xlsx"))])
    refused = client.post(f"/api/units/{OTHER}/confirm", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and "空白模板" in refused.json()["detail"]


def test_second_round_findings(desk: Any, tmp_path: Path) -> None:
    """Many refused files still show on the page (not carried in the cookie); UTF-8 zip names
    without the flag; 问题标注 before any upload; another unit's workbooks cannot be confirmed;
    no documents from blank templates."""
    client, codes, data = desk
    csrf = login(client, codes, "私渡镇")
    marks = client.get("/api/units/私渡镇/documents/问题标注")
    assert marks.status_code == 409 and "还没有上传表格" in marks.json()["detail"]
    many = [("files", (f"{'学习贯彻' * 10}材料第{n:03d}份.docx", b"PK\x03\x04")) for n in range(30)]
    page = client.post("/units/私渡镇/upload", data={"csrf_token": csrf}, files=many)
    assert page.status_code == 200 and page.text.count("只接收") == 30
    assert len(client.cookies.get("wenming_session") or "") < 4000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AAAAAA.jpg", JPEG)  # replaced by UTF-8 bytes, no flag (Info-ZIP)
    utf8 = "宣讲.jpg".encode()
    packed = buffer.getvalue().replace(b"AAAAAA.jpg", utf8)
    assert len(utf8) == len(b"AAAAAA.jpg")
    placed = upload(client, "私渡镇", csrf, [("files", ("p.zip", packed))]).json()["placed"]
    assert [p["name"] for p in placed] == ["图片资料/宣讲.jpg"]
    upload(client, "私渡镇", csrf, workbooks(TOWN))  # 城北街道's workbooks
    refused = client.post("/api/units/私渡镇/confirm", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and "别的单位" in refused.json()["detail"]
    blank = tmp_path / "blank"
    from typer.testing import CliRunner

    from wenming_cli.cli import app

    CliRunner().invoke(app, ["init-templates", "--town", "杨河镇", "--out", str(blank)])
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, codes, "杨河镇")
    upload(client, "杨河镇", csrf, [("files", (p.name, p.read_bytes()))
                                  for p in sorted((blank / "杨河镇").glob("*.xlsx"))])
    report = client.get("/api/units/杨河镇/documents/自评报告")
    assert report.status_code == 409 and "空白模板" in report.json()["detail"]
