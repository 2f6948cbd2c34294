"""Every document generated from the sample data is scanned for unmasked IDs and mobiles."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wenming_cli.cli import app, bundled_sample_data

SAMPLE = bundled_sample_data()
ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@pytest.fixture(scope="module")
def every_document(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("all")
    runner = CliRunner()
    units = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())
    for name in units:
        option = "--town" if name.endswith(("街道", "镇")) else "--unit"
        kinds = ["全部"] if option == "--town" else ["半年小结", "印证资料"]
        for kind in kinds:
            result = runner.invoke(app, ["report", option, name, "--kind", kind, "--data",
                                         str(SAMPLE), "--out", str(out)])
            assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["report", "--county", "--data", str(SAMPLE), "--out",
                               str(out)]).exit_code == 0
    documents = sorted(out.rglob("*.docx")) + sorted(out.rglob("*.xlsx"))
    assert len(documents) >= len(units) * 3
    return documents


def test_no_unmasked_id_or_mobile_anywhere(every_document: list[Path]) -> None:
    for document in every_document:
        with zipfile.ZipFile(document) as archive:
            for part in archive.namelist():
                if not part.endswith(".xml"):
                    continue
                text = archive.read(part).decode("utf-8", errors="replace")
                assert not ID.search(text), f"{document.name}:{part} has an unmasked ID"
                assert not MOBILE.search(text), f"{document.name}:{part} has an unmasked mobile"


def test_documents_do_show_masked_values(every_document: list[Path]) -> None:
    roster = next(p for p in every_document if p.name == "城北街道志愿服务队伍花名册（印证资料）.docx")
    xml = zipfile.ZipFile(roster).read("word/document.xml").decode()
    assert re.search(r"610724\*{8}[0-9]{3}[0-9X]", xml) and re.search(r"1[3-9][0-9]\*{4}[0-9]{4}", xml)
