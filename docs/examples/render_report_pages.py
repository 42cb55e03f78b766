"""Render pages of the sample reports as PNG for the user guides (``make docs-report-pages``).

Writes report.xlsx for the messy 22-row PKH export of ``tests/report_builders.py``
(``bansos validate``) and for the demo (``bansos run --config docs/examples/bansos.yaml``),
prints them to PDF with LibreOffice (``libreoffice --headless --convert-to pdf``: A4
landscape, one page wide, as the report's page set-up says) and keeps a few pages as small
PNGs in ``docs/img/`` (``pdftoppm``). Needs LibreOffice Calc and poppler-utils; the
pictures are committed, so nobody else needs them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
sys.path.insert(0, str(ROOT / "tests"))

from report_builders import pkh_export  # noqa: E402

from bansos_cli import api  # noqa: E402
from bansos_cli.pipeline.config import load_run_config  # noqa: E402
from bansos_cli.pipeline.run import run  # noqa: E402

AS_OF = dt.date(2025, 7, 1)
DPI = 60
ZOOM_DPI = 96
"""Resolution of a page cut to its top part (a short list on a wide page)."""


def _page_of(pdf: Path, text: str) -> int:
    """The first page of ``pdf`` that shows ``text`` (a sheet's title)."""
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    for page in range(1, pages + 1):
        shown = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        if text in " ".join(shown.split()):
            return page
    raise SystemExit(f"no page of {pdf.name} shows {text!r}")


def _pages(report: Path, work: Path, pages: dict[str, str | tuple[str, float]]) -> None:
    """``pages``: PNG name -> a text its page shows (the sheet's title), optionally with the
    share of the page's height kept (from the top)."""
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(report)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    pdf = work / (report.stem + ".pdf")
    for name, wanted in pages.items():
        title, share = wanted if isinstance(wanted, tuple) else (wanted, 1.0)
        page = _page_of(pdf, title)
        stem = work / name
        dpi = DPI if share == 1.0 else ZOOM_DPI
        crop = ["-W", str(round(11.69 * dpi)), "-H", str(round(8.27 * dpi * share))]
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
             "-singlefile", *(crop if share < 1 else []), str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        shutil.copy(stem.with_suffix(".png"), IMG / f"{name}.png")


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = pkh_export(work / "pkh_cibinong.xlsx")
        api.validate([source], as_of=AS_OF, out_dir=work / "validate")
        _pages(
            work / "validate" / "report.xlsx",
            work,
            {
                "laporan-ringkasan": "Temuan per kode",
                "laporan-temuan": "Temuan per baris",
                "laporan-data": ("Daftar Anda apa adanya", 0.45),
            },
        )
        api.run([source], as_of=AS_OF, out_dir=work / "run")
        (work / "run.xlsx").write_bytes((work / "run" / "report.xlsx").read_bytes())
        _pages(
            work / "run.xlsx",
            work,
            {
                "laporan-run-data": ("Daftar Anda apa adanya", 0.45),
                "laporan-kelayakan": ("Kelayakan per", 0.5),
            },
        )
        config = load_run_config(ROOT / "docs" / "examples" / "bansos.yaml")
        run(None, config, out_dir=work / "demo")
        (work / "demo.xlsx").write_bytes((work / "demo" / "report.xlsx").read_bytes())
        _pages(work / "demo.xlsx", work, {"laporan-demo-ringkasan": "Baris bermasalah per"})
    for png in sorted(IMG.glob("laporan-*.png")):
        print(f"{png.relative_to(ROOT)}: {png.stat().st_size // 1024} KB")  # noqa: T201


if __name__ == "__main__":
    main()
