"""Step progress: ticked steps with their times on a terminal, nothing when piped or failing."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from bansos_cli.cli import progress as progress_module
from bansos_cli.cli.progress import step_progress

LABELS = {"read": "Membaca berkas", "check": "Memeriksa data"}


def _console(monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> io.StringIO:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=terminal, width=80, color_system=None)
    monkeypatch.setattr(progress_module, "err_console", console)
    return buffer


def _lines(buffer: io.StringIO) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", buffer.getvalue()).replace("\r", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_finished_steps_stay_ticked_with_their_time(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = _console(monkeypatch, terminal=True)
    with step_progress(LABELS) as step:
        step("read")
        step("check")
        step("tulis")  # a step without a label is shown by its name
    final = _lines(buffer)[-3:]
    assert [line.split()[0] for line in final] == ["✓", "✓", "✓"]
    assert "Membaca berkas" in final[0] and "Memeriksa data" in final[1] and "tulis" in final[2]
    assert all(line.endswith(" s") for line in final)


def test_nothing_is_shown_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = _console(monkeypatch, terminal=False)
    with step_progress(LABELS) as step:
        step("read")
    assert buffer.getvalue() == ""


def test_nothing_is_shown_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = _console(monkeypatch, terminal=True)
    with step_progress(LABELS, enabled=False) as step:
        step("read")
    assert buffer.getvalue() == ""


def test_a_failing_step_is_not_ticked(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = _console(monkeypatch, terminal=True)
    with pytest.raises(RuntimeError), step_progress(LABELS) as step:
        step("read")
        step("check")
        raise RuntimeError("unreadable")
    lines = _lines(buffer)
    assert lines[-1].startswith("✓ Membaca berkas")
    assert not any(line.startswith("✓ Memeriksa data") for line in lines)


# --- notices and reasons in the chosen language ---------------------------------------------


def test_notices_are_shown_in_the_chosen_language() -> None:
    from bansos_cli.cli.notices import print_notices
    from bansos_cli.ingest import Notice, SourceInfo

    info = SourceInfo(path="data/daftar.xlsx", format="xlsx")
    info.notices.append(Notice("BARIS_NOMOR_KOLOM_DILEWATI", {"count": 1, "rows": "5"}))
    info.notices.append(Notice("JUDUL_BERULANG_DILEWATI", {"count": 1200, "rows": "7, 9"}))
    for lang, expected, copies in (
        (
            "id",
            "1 baris berisi nomor kolom (1, 2, 3 ...) dan dilewati (baris 5)",
            "1.200 salinan baris judul kolom",
        ),
        (
            "en",
            "1 row(s) of column numbers (1, 2, 3 ...) were skipped (rows 5)",
            "1,200 copies of the header row",
        ),
    ):
        buffer = io.StringIO()
        print_notices(Console(file=buffer, width=200, color_system=None), [info], lang)
        lines = buffer.getvalue().splitlines()
        assert lines[0] == f"! daftar.xlsx: {expected} (BARIS_NOMOR_KOLOM_DILEWATI)"
        assert lines[1].startswith("! daftar.xlsx: " + copies)
        assert lines[1].endswith("(JUDUL_BERULANG_DILEWATI)")


def test_reading_reasons_are_translated_for_indonesian() -> None:
    from bansos_cli.cli.notices import reason

    hidden = "best header match among sheets (hidden sheet: no visible sheet had a usable header)"
    assert reason(hidden, "id").startswith("judul kolom paling cocok di antara semua sheet (sheet")
    assert reason("synonym", "id") == "sinonim bawaan"
    assert reason("synonym", "en") == "synonym"
    assert reason("something new", "id") == "something new"
