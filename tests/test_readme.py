"""The Python blocks of README.md and docs/*.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((path.relative_to(ROOT).as_posix(), line, match.group(1)))
    return found


@pytest.mark.parametrize(("doc", "line", "code"), _blocks(), ids=lambda v: str(v)[:40])
def test_python_block_runs(
    doc: str, line: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the blocks use paths relative to the project folder (sample_data/, rules/)
    for name in ("sample_data", "rules", "docs"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"{doc}:{line}", "exec"), {"__name__": "__readme__"})


def test_the_readme_has_python_blocks() -> None:
    assert [b for b in _blocks() if b[0] == "README.md"]
