"""Look at the printed page: a .docx rendered to PDF by LibreOffice headless, read back with pypdf."""

import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


@dataclass
class RenderedPage:
    width: float
    height: float
    text: str

    @property
    def lines(self) -> list[str]:
        return [" ".join(line.split()) for line in self.text.splitlines() if line.strip()]


def render_docx(soffice: str, content: bytes, workdir: Path, name: str = "document") -> bytes:
    """The PDF LibreOffice makes of the .docx `content` (its own profile in `workdir`: no shared state)."""
    source = workdir / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (workdir / f"{name}.pdf").read_bytes()


def pages(pdf: bytes) -> list[RenderedPage]:
    reader = PdfReader(BytesIO(pdf))
    return [
        RenderedPage(float(page.mediabox.width), float(page.mediabox.height), page.extract_text() or "")
        for page in reader.pages
    ]
