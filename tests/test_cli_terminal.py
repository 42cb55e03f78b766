"""The terminal at 80 columns, as an officer's laptop shows it: nothing essential is cut.

Each command runs as a real process with ``COLUMNS=80`` (rich reads the width at start-up).
A cut value shows as ``…``; codes, row numbers and masked NIKs must stay whole, meanings must
have no unfilled template holes, and two identical runs print the same lines.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
AS_OF = "2025-07-01"
MASKED = re.compile(r"\b\d{4}\*{6,10}\d{2}\b")


def _bansos(*args: str, lang: str = "id") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80", "BANSOS_LANG": lang, "NO_COLOR": "1"}
    env.pop("BANSOS_DEBUG", None)
    code = (
        "import sys; from bansos_cli.cli import main; sys.argv = ['bansos', *sys.argv[1:]]; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result


def _lines(text: str) -> list[str]:
    # the run time differs between two runs
    return [line for line in text.splitlines() if not re.match(r"^(Waktu|Time): ", line)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("terminal")
    siks, blt = str(SAMPLE / "siks_ng_export.xlsx"), str(SAMPLE / "blt_dd_desa.xlsx")
    sk, salur = str(SAMPLE / "sk_penerima.xlsx"), str(SAMPLE / "laporan_penyaluran.xlsx")
    return {
        "validate": _bansos("validate", siks, "--as-of", AS_OF, "--out", str(out / "v")),
        "dedup": _bansos("dedup", siks, blt),
        "dedup_again": _bansos("dedup", siks, blt),
        "check": _bansos("check", blt, "--as-of", AS_OF),
        "reconcile": _bansos("reconcile", sk, salur),
        "reconcile_en": _bansos("reconcile", sk, salur, lang="en"),
        "run": _bansos("run", siks, blt, "--as-of", AS_OF, "--out", str(out / "r"), "--json"),
        "run_text": _bansos("run", siks, blt, "--as-of", AS_OF, "--out", str(out / "r2")),
    }


@pytest.mark.parametrize("name", ["validate", "dedup", "check", "reconcile", "run_text"])
def test_nothing_is_cut_at_80_columns(outputs, name: str) -> None:
    text = outputs[name].stdout
    assert text.strip()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_per_file_table_keeps_every_column(outputs) -> None:
    """rich crops a table wider than the terminal silently: every cell must still show."""
    text = outputs["run_text"].stdout
    for item in json.loads(outputs["run"].stdout)["per_file"]:
        line = next(x for x in text.splitlines() if x.lstrip().startswith(item["path"]))
        cells = [c.strip() for c in line.split("│")]
        assert cells[0] == item["path"]
        counts = ("rows", "ok", "warning", "error", "rows_in_duplicate_groups")
        assert cells[1:] == [f"{item[k]:,}".replace(",", ".") for k in counts]


def test_codes_meanings_and_masked_niks_stay_whole(outputs, tmp_path: Path) -> None:
    text = outputs["validate"].stdout
    summary = json.loads(outputs["run"].stdout)
    codes = list(summary["validate"]["by_code"])[:8]
    for code in codes:
        assert re.search(rf"\b{code}\b", text), code  # a code on one line, never folded
    assert "{" not in text and "}" not in text  # templates are filled
    assert "NIK tidak 16 digit" in text
    assert MASKED.search(text)
    assert not re.search(r"\d{4}\*+\s*\n", text)  # a masked NIK never breaks over lines


def test_dedup_rows_are_whole_and_the_output_is_stable(outputs) -> None:
    text = outputs["dedup"].stdout
    assert _lines(text) == _lines(outputs["dedup_again"].stdout)
    rows = re.findall(r"baris (\d+)", text)
    assert rows and all(r.isdigit() for r in rows)
    assert len(MASKED.findall(text)) == len(rows)  # each side: its row, then its NIK
    largest = re.search(r"Kelompok terbesar: (.*)", text)
    assert largest is not None
    sizes = [(int(s), int(c)) for c, s in re.findall(r"#(\d+) \((\d+)\)", largest.group(1))]
    assert sizes == sorted(sizes, key=lambda sc: (-sc[0], sc[1]))


def test_one_number_format_per_language(outputs) -> None:
    # the rupiah columns of the category table say "Rp" in their header (80 columns)
    text = outputs["reconcile"].stdout
    assert "720.000.000" in text and "1.200" in text
    assert not re.search(r"\d,\d{3}\b", text)  # no English thousands under --lang id
    english = outputs["reconcile_en"].stdout
    assert "720,000,000" in english and "1,200" in english
    assert not re.search(r"\d\.\d{3}\b", english)
