"""The county's live table (issue 13 point 4): every expected 填报单位 with its 报送 state judged
by the server's clock, built from the results the server keeps — no unit is read again.

报送 states, in the order the office phones: 未上传 (nothing handed in), 已上传未确认 (files
there but no 确认报送, or changed since), 已报送（逾期）, 已报送（按时）. Within a state the
units sort as `wenming status` sorts them (`status.STATES`: blank templates, late, errors,
incomplete, complete).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..config import Config
from ..county import KIND_LABELS
from ..privacy import mask_mobile
from ..schema import WORKBOOKS
from ..status import UnitStatus
from .db import Confirmation

SUBMISSION_STATES = ("未上传", "已上传未确认", "已报送（逾期）", "已报送（按时）")


def files_of(payload: dict[str, Any] | None) -> dict[str, str]:
    """The unit's workbooks as checked: file name → sha256."""
    return {f["name"]: f["sha256"] for f in (payload or {}).get("files", [])}


def submission(payload: dict[str, Any] | None, confirmation: Confirmation | None) -> str:
    """The unit's 报送 state (one of `SUBMISSION_STATES`)."""
    files = files_of(payload)
    if not files:
        return "未上传"
    if confirmation is None or confirmation.files != files:
        return "已上传未确认"
    return "已报送（按时）" if confirmation.on_time else "已报送（逾期）"


def unit_status(name: str, kind: str, config: Config, payload: dict[str, Any] | None,
                confirmation: Confirmation | None, last_upload: str | None) -> UnitStatus:
    """A `status.UnitStatus` from what the server holds: on time means confirmed by the
    deadline (None until confirmed); last modified is the server's time of the last upload."""
    known = config.contacts.get(name)
    person, phone = (known.person, known.phone) if known else ("", "")
    if not files_of(payload):
        return UnitStatus(name, KIND_LABELS.get(kind, "名单外"), False, contact=person, phone=phone)
    assert payload is not None
    empty = set(payload.get("empty", []))
    kinds = [f["kind"] for f in payload["files"] if f["kind"]]
    titles = [spec.title for spec in WORKBOOKS if spec.kind in kinds and spec.kind not in empty]
    contact = payload.get("contact") or {}
    person = contact.get("person") or person
    phone = contact.get("phone") or phone
    state = submission(payload, confirmation)
    on_time = None if state == "已上传未确认" or confirmation is None else confirmation.on_time
    return UnitStatus(name, KIND_LABELS.get(kind, "名单外"), True, titles,
                      datetime.fromisoformat(last_upload) if last_upload else None,
                      int(payload["errors"]), int(payload["warnings"]), on_time,
                      filled=bool(kinds) and not set(kinds) <= empty, contact=person, phone=phone)


def board_rows(config: Config, results: dict[str, dict[str, Any]],
               confirmations: dict[str, Confirmation | None], uploads: dict[str, str | None],
               checking: set[str]) -> list[dict[str, Any]]:
    """One row per expected unit (and per folder outside the list), phone order first: the
    ``status --format json`` fields plus ``submission``, ``last_upload``, ``confirmed_at``
    (server clock, ISO), ``checking``, ``contact`` and ``phone`` (a mobile masked)."""
    expected = ([(t.name, "town") for t in config.towns] + [(n, "unit") for n in config.units]
                + [(n, "team") for n in config.county_teams])
    names = {n for n, _ in expected}
    expected += [(n, "other") for n in sorted(results) if n not in names]
    rows = []
    for name, kind in expected:
        payload = results.get(name)
        confirmation = confirmations.get(name)
        status = unit_status(name, kind, config, payload, confirmation, uploads.get(name))
        state = submission(payload, confirmation)
        row = status.to_dict()
        row.update({
            "submission": state,
            "last_upload": uploads.get(name),
            "confirmed_at": confirmation.time.isoformat() if confirmation else None,
            "checking": name in checking,
            "contact": status.contact,
            "phone": mask_mobile(status.phone),
            "_order": (SUBMISSION_STATES.index(state), status.priority),
        })
        rows.append(row)
    rows.sort(key=lambda r: r.pop("_order"))
    return rows
