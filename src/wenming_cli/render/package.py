"""The last mile (notice 三-3): 印证资料 documents, PDF copies via LibreOffice, one .zip to email.

PDF conversion runs ``soffice --headless --convert-to pdf`` when LibreOffice is installed; when it
is not, callers get a Chinese note instead of an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from ..config import Config
from ..files import keep_previous, os_reason, temp_folder
from ..units import UnitData
from .report import RenderError, bundled_template, render_docx, safe_component, save_output

EVIDENCE_TEMPLATES = {
    "roster": "印证_花名册.docx",
    "activities": "印证_活动计划一览表.docx",
    "projects": "印证_项目表.docx",
    "album": "图片资料汇编.docx",
}
PDF_TIMEOUT_SECONDS = 180
_WINDOWS_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def render_evidence(unit: UnitData, config: Config, out: Path, mask: bool = True,
                    label: str = "", notes: list[str] | None = None) -> list[Path]:
    """Write the four 印证资料 documents of ``unit`` into ``out/<unit>/``; returns their paths.

    Raises:
        RenderError: see `render_docx`.
    """
    from .evidence import (
        activities_context,
        album_context,
        album_images,
        prepare_photos,
        projects_context,
        roster_context,
    )

    name = safe_component(unit.name)
    folder = out / name
    documents = [
        ("roster", roster_context(unit, config, mask), "志愿服务队伍花名册"),
        ("activities", activities_context(unit, config), f"{config.year}年文明实践项目活动计划一览表"),
        ("projects", projects_context(unit, config, mask), "志愿服务项目表"),
    ]
    paths = [
        render_docx(bundled_template(EVIDENCE_TEMPLATES[key]), context,
                    folder / f"{name}{title}（印证资料）{label}.docx")
        for key, context, title in documents
    ]
    with tempfile.TemporaryDirectory(prefix="wenming-photos-") as tmp:
        photos = prepare_photos(unit, config, Path(tmp), notes)
        if not photos and notes is not None:
            notes.append(f"{unit.name}没有可用的活动照片，图片资料汇编只有标题。")
        paths.append(render_docx(bundled_template(EVIDENCE_TEMPLATES["album"]),
                                 album_context(unit, config, len(photos)),
                                 folder / f"{name}图片资料汇编{label}.docx", album_images(photos)))
    return paths


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice`` (PATH, then the usual Windows folders), or None."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((p for p in _WINDOWS_SOFFICE if os.path.exists(p)), None)


def to_pdf(documents: list[Path], notes: list[str]) -> list[Path]:
    """PDF copies of ``documents`` beside them; [] with a note when LibreOffice is missing.

    Raises:
        RenderError: LibreOffice ran but failed or timed out.
    """
    soffice = find_soffice()
    if soffice is None:
        notes.append("未安装 LibreOffice，没有生成 PDF；安装 LibreOffice 后加 --pdf 重新生成即可。")
        return []
    pdfs: list[Path] = []
    for document in documents:
        _remove_old_pdf(document.with_suffix(".pdf"))
        # LibreOffice's profile and its lu*.tmp files go into a hidden folder beside the
        # document, and the PDF is renamed out of it when complete: a killed run leaves one
        # .~wenming-… folder that the next write into this folder removes (files.STALE_SECONDS),
        # never lu*.tmp among the documents nor an orphan in the system's temporary folder
        with temp_folder(document.parent) as work:
            command = [soffice, f"-env:UserInstallation={(work / 'profile').resolve().as_uri()}",
                       "--headless", "--convert-to", "pdf", "--outdir", str(work),
                       str(document)]
            try:
                subprocess.run(command, check=True, capture_output=True,
                               timeout=PDF_TIMEOUT_SECONDS)
            except (subprocess.SubprocessError, OSError) as exc:
                raise RenderError(f"LibreOffice 转换 PDF 失败：{document.name}。"
                                  "请关闭正在运行的 LibreOffice 后重试。") from exc
            made = work / document.with_suffix(".pdf").name
            pdf = document.with_suffix(".pdf")
            if not made.is_file():
                raise RenderError(f"LibreOffice 没有生成 {pdf.name}，请检查该文档能否在 WPS/Word 中打开。")
            try:
                os.replace(made, pdf)
            except OSError as exc:
                raise RenderError(f"无法写入 {pdf}：{os_reason(exc)}。") from exc
            pdfs.append(pdf)
    return pdfs


def _remove_old_pdf(pdf: Path) -> None:
    """Move a previous PDF out of the way (copy in 旧版/, then delete), so a failed conversion
    can never leave an old PDF that looks new. Raises RenderError when it is open elsewhere."""
    if not pdf.exists():
        return
    keep_previous(pdf)
    try:
        pdf.unlink()
    except OSError as exc:
        raise RenderError(f"文件被占用，请关闭后重试：{pdf}") from exc


def zip_name(unit_name: str, today: date, label: str = "") -> str:
    """'城北街道_自评材料_20220714.zip' — the name the county office asked for (``label`` such as
    （示例数据） goes before the suffix)."""
    return f"{safe_component(unit_name)}_自评材料_{today:%Y%m%d}{label}.zip"


def make_zip(files: list[Path], target: Path) -> Path:
    """One .zip holding ``files`` (flat, original names), written atomically."""
    def save(temp: Path) -> None:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.write(file, arcname=file.name)

    return save_output(target, save)
