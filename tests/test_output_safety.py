"""What bansos guarantees on output (docs/security.md): nothing leaked, nothing destroyed,
nothing half-written.

Each test builds its hostile case and asserts the exit code, one line on stderr, no traceback,
no partial file and no full NIK anywhere: every output file (Parquet, CSV, JSON and the text
inside report.xlsx) and both streams.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from bansos_cli import api
from bansos_cli.core.errors import OptionError
from bansos_cli.core.outputset import (
    COMMIT_MARK,
    LOCK_NAME,
    MANIFEST,
    STAGING_PREFIX,
    folder_name,
    output_set,
)
from bansos_cli.core.privacy import identifier_columns, mask_frame
from bansos_cli.core.redact import mask_text
from bansos_cli.output.writers import neutralise_formulas
from conftest import invoke_assert_code

AS_OF = "2025-07-01"

# every identifier of the hostile list, and the columns it hides them in
NIKS = {
    "nik": ["3201014102800001", "3201010505750003", "3201014102800005"],
    "no_kk": ["3201010101100001", "3201010101100001", "3201010101100002"],
    "nik_ibu": ["3201015505600002", "3201016606500004", ""],
    "kepala": ["3201010505750003", "3201010505750003", "3201010505750006"],
    "ktp_lama": ["3201.0141.0280.0009", "3201 0105 0575 0008", ""],
    "in_text": ["3201014102800077", "3201014102800078", "3201014102800079"],
}
SECRETS = sorted(
    {v for values in NIKS.values() for v in values if v}
    | {re.sub(r"\D", "", v) for v in NIKS["ktp_lama"] if v}
)
FORMULAS = [
    '=HYPERLINK("http://contoh.invalid","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "=1+1",
    "\t=1+1",
    "-1+2",
    "-5",
    "-",
]


def _hostile_list(path: Path) -> Path:
    """A list carrying NIKs in NIK IBU, NIK KEPALA KELUARGA, NOMOR KTP LAMA and free text,
    and formulas in CATATAN."""
    header = [
        "NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "NIK IBU",
        "NIK KEPALA KELUARGA", "NOMOR KTP LAMA", "KETERANGAN", "CATATAN",
    ]  # fmt: skip
    rows = []
    for i in range(len(FORMULAS)):
        j = i % 3
        rows.append(
            [
                NIKS["nik"][j] if i < 3 else f"32010141028{i:05d}",
                NIKS["no_kk"][j],
                ["SITI AMINAH", "BUDI", "ANI"][j],
                "01-02-1980",
                "P",
                NIKS["nik_ibu"][j],
                NIKS["kepala"][j],
                NIKS["ktp_lama"][j],
                f"pindah dari NIK {NIKS['in_text'][j]}, lihat {NIKS['nik'][j]}",
                FORMULAS[i],
            ]
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _texts(folder: Path) -> Iterator[tuple[Path, str]]:
    """The text of every file under ``folder``: Parquet as its CSV form and column names,
    report.xlsx as the XML inside it."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            yield path, " ".join(frame.columns) + "\n" + frame.write_ndjson()
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                yield (
                    path,
                    "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist()),
                )
        else:
            yield path, path.read_bytes().decode("utf-8", "replace")


def _assert_no_full_nik(*texts: str, folder: Path | None = None) -> None:
    found = []
    for text in texts:
        found += [s for s in SECRETS if s in text]
    if folder is not None:
        for path, text in _texts(folder):
            found += [f"{path.name}: {s}" for s in SECRETS if s in text]
    assert not found, found


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _clean(folder: Path) -> bool:
    """No staging folder, lock or temporary file in ``folder``: only the set and its list."""
    return {p.name for p in folder.iterdir() if p.name.startswith(".")} <= {MANIFEST}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in _visible(folder)
    }


# --- privacy by content -----------------------------------------------------------------------


def test_identifier_columns_are_found_by_their_values() -> None:
    frame = pl.DataFrame(
        {
            "nik": ["3201014102800001", "x"],
            "NIK IBU": ["3201015505600002", None],
            "lama": ["3201.0141.0280.0009", "3201 0105 0575 0008"],
            "nominal": ["300000", "300000"],
            "telepon": ["081234567890", "081234567891"],
            "bukan": ["0000000000000000", "0000000000000000"],  # no region code: not a NIK
        }
    )
    assert identifier_columns(frame, ["nik"]) == ["nik", "NIK IBU", "lama"]


def test_mask_frame_masks_values_runs_and_names() -> None:
    frame = pl.DataFrame(
        {
            "NIK IBU": ["3201015505600002"],
            "ket": ["NIK 3201014102800077,3201014102800078; HP 081234567890; 12345678901234567890"],
            "3201014102800099": ["kolom dari baris data"],
            "n": [5],
        }
    )
    out = mask_frame(frame)
    assert out.to_dicts() == [
        {
            "NIK IBU": "3201**********02",
            "ket": "NIK 3201**********77,3201**********78; HP 081234567890; 1234**********90",
            "3201**********99": "kolom dari baris data",
            "n": 5,
        }
    ]


def test_mask_text_masks_every_nik_like_run_and_keeps_short_numbers() -> None:
    assert mask_text("baris 1048576: 3201014102800001 x3201014102800002y") == (
        "baris 1048576: 3201**********01 x3201**********02y"
    )


@pytest.mark.parametrize(("command", "code"), [("validate", 0), ("run", 1)])  # run: duplicates
def test_mask_hides_every_nik_in_every_output_and_stream(
    tmp_path: Path, command: str, code: int
) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    args = [command, str(data), "--out", str(out), "--mask", "--format", "both"]
    if command == "run":
        args += ["--skip", "check"]
    result = invoke_assert_code([*args, "--as-of", AS_OF], code)
    assert {"records.csv", "records.parquet", "report.xlsx", "summary.json"} <= set(_visible(out))
    _assert_no_full_nik(result.stdout, result.stderr, folder=out)
    records = pl.read_csv(out / "records.csv", infer_schema=False)
    assert records.get_column("nik_ibu").to_list()[:2] == ["3201**********02", "3201**********04"]
    assert records.get_column("keterangan")[0] == (
        "pindah dari NIK 3201**********77, lihat 3201**********01"
    )


def test_json_output_is_masked_too(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    result = invoke_assert_code(["inspect", str(data), "--json"], 0)
    _assert_no_full_nik(result.stdout, result.stderr)
    result = invoke_assert_code(["inspect", str(data)], 0)
    _assert_no_full_nik(result.stdout, result.stderr)


def test_pseudonymise_replaces_identifier_columns_found_by_content(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    run = api.pseudonymise(
        data, key=b"0123456789abcdef0123", out_dir=tmp_path / "bagi", formats=("csv",)
    )
    assert {"nik", "no_kk", "nik_ibu", "nik_2", "nomor_ktp_lama"} <= set(run.summary["columns"])
    records = run.frames["records"]
    # the same NIK gives the same pseudonym in every column: lists still link
    assert records["nik_2"][1] == records["nik"][1]
    _assert_no_full_nik(folder=tmp_path / "bagi")


def test_data_row_as_header_is_masked(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    result = invoke_assert_code(
        ["validate", str(data), "--header-row", "2", "--out", str(out), "--mask"], 2
    )
    _one_line(result.stderr)
    _assert_no_full_nik(result.stdout, result.stderr)
    result = invoke_assert_code(["inspect", str(data), "--header-row", "2"], 0)
    _assert_no_full_nik(result.stdout, result.stderr)


def test_a_parse_error_quoting_a_nik_is_masked(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.csv"
    bad.write_text('NIK,NAMA\n3201014102800001,"SITI\n3201014102800005,BUDI,"x"y,z\n')
    out = tmp_path / "hasil"
    result = invoke_assert_code(["validate", str(bad), "--out", str(out)], 2)
    assert "rusak.csv" in _one_line(result.stderr)
    _assert_no_full_nik(result.stdout, result.stderr)
    assert not out.exists()


def test_cr_only_csv_keeps_no_nik_in_clear(tmp_path: Path) -> None:
    """Whatever the reader makes of a CR-only file (its reading is tested with the reader),
    --mask holds: masking is by content."""
    from typer.testing import CliRunner

    from bansos_cli.cli import app

    data = tmp_path / "mac.csv"
    data.write_bytes(
        b"NIK,NAMA,NIK IBU\r3201014102800001,SITI,3201015505600002\r3201010505750003,BUDI,\r"
    )
    out = tmp_path / "hasil"
    for header in ([], ["--header-row", "1"]):
        args = ["validate", str(data), *header, "--out", str(out), "--mask", "--format", "both"]
        result = CliRunner().invoke(app, [*args, "--as-of", AS_OF])
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
        _assert_no_full_nik(result.stdout, result.stderr, folder=tmp_path / "hasil")


def test_a_path_with_a_nik_is_masked_in_the_error(tmp_path: Path) -> None:
    result = invoke_assert_code(["validate", str(tmp_path / "3201014102800001.csv")], 2)
    assert "3201**********01.csv" in _one_line(result.stderr)


# --- CSV formula injection --------------------------------------------------------------------


def test_csv_outputs_neutralise_formulas(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    invoke_assert_code(["validate", str(data), "--out", str(out), "--format", "csv"], 0)
    for name in ("records.csv", "valid.csv"):
        notes = pl.read_csv(out / name, infer_schema=False).get_column("catatan").to_list()
        assert notes == ["'" + f if f not in ("-5", "-") else f for f in FORMULAS], (
            notes
        )  # negative numbers and a lone "-" are not formulas: kept
    kept = tmp_path / "mentah"
    invoke_assert_code(
        ["validate", str(data), "--out", str(kept), "--format", "csv", "--csv-formulas", "keep"], 0
    )
    assert pl.read_csv(kept / "records.csv", infer_schema=False)["catatan"].to_list() == FORMULAS


def test_report_xlsx_writes_formula_text_as_text(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    invoke_assert_code(["validate", str(data), "--out", str(out)], 0)
    with zipfile.ZipFile(out / "report.xlsx") as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert "HYPERLINK" in xml and "SUM(1)" in xml  # shown as text ...
    assert not re.search(r"<f>[^<]*(HYPERLINK|SUM\(1\)|1\+1)", xml)  # ... never as a formula


def test_neutralise_formulas_touches_text_only() -> None:
    frame = pl.DataFrame(
        {"t": ["=1+1", "+62812", "-3", "ok", "\r=x", None], "n": [-1, 2, -3, 4, 5, 6]}
    )
    out = neutralise_formulas(frame.rename({"t": "=kolom"}))
    assert out.columns == ["'=kolom", "n"]
    assert out["'=kolom"].to_list() == ["'=1+1", "'+62812", "-3", "ok", "'\r=x", None]
    assert out["n"].to_list() == frame["n"].to_list()


def test_api_takes_the_csv_formulas_keyword(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    api.validate(data, out_dir=tmp_path / "a", formats=("csv",), csv_formulas="keep", report=False)
    assert pl.read_csv(tmp_path / "a" / "records.csv", infer_schema=False)["catatan"][3] == "=1+1"
    with pytest.raises(OptionError, match="--csv-formulas"):
        api.validate(data, out_dir=tmp_path / "b", csv_formulas="maybe")
    assert not (tmp_path / "b").exists()


# --- outputs never destroy inputs --------------------------------------------------------------


def test_pseudonymise_into_the_folder_of_its_input_is_refused(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    hasil = tmp_path / "hasil"
    invoke_assert_code(["validate", str(data), "--out", str(hasil), "--no-report"], 0)
    before = _hashes(hasil)
    key = tmp_path / "kunci.key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    key.chmod(0o600)
    result = invoke_assert_code(
        ["pseudonymise", str(hasil / "records.parquet"), "--key-file", str(key), "--out",
         str(hasil)],
        2,
    )  # fmt: skip
    assert "records.parquet" in _one_line(result.stderr)
    assert _hashes(hasil) == before
    assert _clean(hasil)


def test_validate_into_the_current_folder_of_its_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = _hostile_list(tmp_path / "records.csv")
    before = data.read_bytes()
    result = invoke_assert_code(["validate", "records.csv", "--out", ".", "--format", "csv"], 2)
    _one_line(result.stderr)
    assert data.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.csv"]


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_an_output_linked_to_an_input_is_refused(tmp_path: Path, link: str) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    out.mkdir()
    (os.symlink if link == "symlink" else os.link)(data, out / "records.csv")
    before = data.read_bytes()
    result = invoke_assert_code(["validate", str(data), "--out", str(out), "--format", "csv"], 2)
    assert "daftar.csv" in _one_line(result.stderr)
    assert data.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "folder"),
    [("..xlsx", "input"), ("...xlsx", "input"), (".xlsx", "xlsx"), ("a/b.csv", "b"),
     ("daftar desa.xlsx", "daftar desa"), ("..daftar.csv", "daftar"), ("x\x1b[2J.csv", "x_[2J")],
)  # fmt: skip
def test_output_folder_names_from_input_names_are_safe(name: str, folder: str) -> None:
    assert folder_name(name) == folder


def test_an_input_named_dotdot_writes_inside_bansos_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _hostile_list(tmp_path / "...csv")
    (tmp_path / "summary.json").write_text("milik pengguna")
    invoke_assert_code(["validate", "...csv", "--no-report", "-q"], 0)
    assert (tmp_path / "summary.json").read_text() == "milik pengguna"
    assert (tmp_path / "bansos-out" / "input" / "summary.json").is_file()


# --- atomic output sets, locks, full disks --------------------------------------------------------


def test_a_run_with_other_options_leaves_no_file_of_the_previous_set(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    (out).mkdir()
    (out / "catatan.txt").write_text("milik pengguna")
    invoke_assert_code(["validate", str(data), "--out", str(out), "--format", "both"], 0)
    assert "report.xlsx" in _visible(out) and "records.csv" in _visible(out)
    invoke_assert_code(["validate", str(data), "--out", str(out), "--no-report"], 0)
    assert _visible(out) == [
        "catatan.txt", "findings.parquet", "records.parquet", "summary.json", "valid.parquet",
    ]  # fmt: skip


def test_a_second_run_into_a_locked_folder_fails_clearly(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    out.mkdir()
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, b"4242\n")
    fcntl.flock(fd, fcntl.LOCK_EX)  # another run is writing here
    try:
        result = invoke_assert_code(["validate", str(data), "--out", str(out)], 2)
    finally:
        os.close(fd)
    assert "4242" in _one_line(result.stderr)
    assert _visible(out) == []


def test_stale_staging_folders_and_temporaries_are_removed(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    stale = out / f"{STAGING_PREFIX}999999"
    stale.mkdir(parents=True)
    (stale / "records.parquet").write_bytes(b"half")
    (out / ".records.parquet.k3j_9x2a.tmp").write_bytes(b"x" * 1000)  # an old-style temporary
    invoke_assert_code(["validate", str(data), "--out", str(out), "--no-report", "-q"], 0)
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST, "findings.parquet", "records.parquet", "summary.json", "valid.parquet",
    ]  # fmt: skip


def test_an_interrupted_move_is_finished_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "hasil"
    staging = out / f"{STAGING_PREFIX}999999"
    staging.mkdir(parents=True)
    (staging / "summary.json").write_text("baru")
    (staging / COMMIT_MARK).touch()  # killed after its first moves
    (out / "records.parquet").write_text("baru")
    with output_set(out):
        pass
    assert _visible(out) == ["records.parquet", "summary.json"] and _clean(out)
    assert (out / "summary.json").read_text() == "baru"


def test_an_error_inside_the_set_leaves_the_previous_set_untouched(tmp_path: Path) -> None:
    out = tmp_path / "hasil"
    out.mkdir()
    (out / "summary.json").write_text("lama")
    with pytest.raises(RuntimeError), output_set(out):
        from bansos_cli.output import write_json

        write_json({"a": 1}, out / "summary.json")
        assert (out / "summary.json").read_text() == "lama"  # staged, not yet in place
        raise RuntimeError("boom")
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
    assert (out / "summary.json").read_text() == "lama"


def _full_disk_parquet(*_args: object, **_kwargs: object) -> None:
    # what polars raises on a full disk (its own exception, the OS error in the text)
    raise pl.exceptions.ComputeError(
        "parquet: File out of specification: underlying IO error: "
        "No space left on device (os error 28)"
    )


def _full_disk_csv(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_full_disk_is_one_line_and_leaves_the_previous_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    invoke_assert_code(["validate", str(data), "--out", str(out), "--format", fmt, "-q"], 0)
    before = _hashes(out)
    writer = _full_disk_parquet if fmt == "parquet" else _full_disk_csv
    monkeypatch.setattr(pl.DataFrame, f"write_{fmt}", writer)
    result = invoke_assert_code(["validate", str(data), "--out", str(out), "--format", fmt], 2)
    line = _one_line(result.stderr)
    assert "hasil" in line and "disk penuh" in line, line
    assert _hashes(out) == before
    assert _clean(out)
    fresh = tmp_path / "baru"
    invoke_assert_code(["validate", str(data), "--out", str(fresh), "--format", fmt], 2)
    assert not fresh.exists()  # created by the run, removed with its staging folder


def test_a_full_report_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlsxwriter.workbook

    data = _hostile_list(tmp_path / "daftar.csv")

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "close", full)
    out = tmp_path / "hasil"
    result = invoke_assert_code(["validate", str(data), "--out", str(out)], 2)
    assert "report.xlsx" in _one_line(result.stderr)
    assert not out.exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (needs root and a kernel that allows it; skipped otherwise)."""
    mount = tmp_path / "kecil"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_really_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, tiny_disk: Path) -> None:
    data = tmp_path / "besar.csv"
    invoke_assert_code(["sample", "--out", str(tmp_path), "--name", data.name, "--rows",
                        "20000", "-q"], 0)  # fmt: skip
    out = tiny_disk / "hasil"
    result = invoke_assert_code(["validate", str(data), "--out", str(out), "--format", "both"], 2)
    assert "hasil" in _one_line(result.stderr)
    assert list(tiny_disk.iterdir()) == []


# --- the kill test ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("besar")
    subprocess.run(
        [sys.executable, "-m", "bansos_cli", "sample", "--out", str(folder), "--name",
         "besar.csv", "--rows", "200000", "-q"],
        check=True,
    )  # fmt: skip
    return folder / "besar.csv"


def _validate(data: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bansos_cli", "validate", str(data), "--out", str(out), "-q",
         "--as-of", AS_OF],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "BANSOS_LANG": "en"},
    )  # fmt: skip


def _staged(out: Path, pid: int) -> int:
    """Files in the staging folder of process ``pid`` (not in those killed runs left)."""
    try:
        return len(list((out / f"{STAGING_PREFIX}{pid}").iterdir()))
    except OSError:
        return 0


def _kill_when(process: subprocess.Popen[bytes], out: Path, when: str, sig: int) -> None:
    """Send ``sig`` after a delay (``"1.5"`` seconds) or once the staging folder holds a file
    (``"staged"``: the kill lands while the tables are being written)."""
    deadline = time.monotonic() + 60
    if when == "staged":
        while _staged(out, process.pid) == 0 and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    else:
        time.sleep(float(when))
    process.send_signal(sig)
    process.wait(timeout=60)


def test_killed_runs_never_leave_a_partial_or_mixed_set(big_list: Path, tmp_path: Path) -> None:
    out = tmp_path / "hasil"
    # into an empty folder: killed while reading, while writing; nothing visible is left
    for when, sig in (("0.5", signal.SIGKILL), ("staged", signal.SIGKILL),
                      ("staged", signal.SIGTERM)):  # fmt: skip
        process = _validate(big_list, out)
        _kill_when(process, out, when, sig)
        # SIGTERM before the command line started (still importing) kills like SIGKILL
        assert process.returncode in (-signal.SIGKILL, -signal.SIGTERM, 128 + signal.SIGTERM)
        assert not out.exists() or _visible(out) == [], (when, sig, _visible(out))
        if sig == signal.SIGTERM:  # ends cleanly: its own staging folder is gone
            assert not (out / f"{STAGING_PREFIX}{process.pid}").exists()
        assert b"Traceback" not in process.stderr.read()  # type: ignore[union-attr]

    # a whole set, and a second run into the same folder meanwhile fails clearly
    first = _validate(big_list, out)
    started = time.monotonic()
    while _staged(out, first.pid) == 0 and first.poll() is None:
        assert time.monotonic() - started < 60
        time.sleep(0.01)
    first.send_signal(signal.SIGSTOP)  # held mid-write while the second run starts
    try:
        second = _validate(big_list, out)
        _, err = second.communicate(timeout=120)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 2
    assert "another bansos run" in _one_line(err.decode())
    first.communicate(timeout=300)
    assert first.returncode == 1  # the sample list has errors
    whole = _hashes(out)
    assert set(whole) == {
        "findings.parquet", "records.parquet", "report.xlsx", "summary.json", "valid.parquet",
    }  # fmt: skip

    # killed over a whole set: the previous set stays, byte for byte
    for when, sig in (("staged", signal.SIGKILL), ("staged", signal.SIGTERM)):
        process = _validate(big_list, out)
        _kill_when(process, out, when, sig)
        assert _hashes(out) == whole, (when, sig)

    # the next run succeeds and cleans up after the killed ones
    final = _validate(big_list, out)
    final.communicate(timeout=300)
    assert final.returncode == 1
    assert _visible(out) == sorted(whole) and _clean(out)
    assert (out / "summary.json").read_bytes() != b""


# --- no network ---------------------------------------------------------------------------------

_NETWORK_MODULES = ("socket", "urllib.request", "http.client", "requests", "httpx", "ftplib",
                    "smtplib", "aiohttp")  # fmt: skip


def test_no_module_imports_a_network_library() -> None:
    source = Path(__file__).resolve().parents[1] / "src" / "bansos_cli"
    pattern = re.compile(
        r"^\s*(?:import|from)\s+(" + "|".join(map(re.escape, _NETWORK_MODULES)) + r")\b", re.M
    )
    found = [
        f"{p.name}: {m.group(1)}"
        for p in sorted(source.rglob("*.py"))
        for m in pattern.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_command_opens_a_network_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a network connection was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    data = _hostile_list(tmp_path / "daftar.csv")
    invoke_assert_code(["run", str(data), "--out", str(tmp_path / "r"), "--as-of", AS_OF], 1)


def test_warnings_and_log_records_reach_stderr_masked(capsys: pytest.CaptureFixture[str]) -> None:
    import logging
    import warnings

    from bansos_cli.cli.terminal import mask_warnings_and_logs

    saved = (warnings.showwarning, logging.lastResort)
    try:
        mask_warnings_and_logs()
        warnings.warn("cell 3201014102800001 looks odd", UserWarning, stacklevel=1)
        # a library's log record with no handler configured (pytest configures its own, so
        # the fallback handler is called directly)
        record = logging.makeLogRecord({"msg": "row 3201015505600002 skipped", "levelno": 30})
        assert logging.lastResort is not None
        logging.lastResort.handle(record)
    finally:
        warnings.showwarning, logging.lastResort = saved
    err = capsys.readouterr().err
    assert "3201**********01" in err and "3201**********02" in err
    _assert_no_full_nik(err)


def test_an_output_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    blocker = tmp_path / "hasil"
    blocker.write_text("bukan folder")
    result = invoke_assert_code(["validate", str(data), "--out", str(blocker)], 2)
    assert "hasil adalah berkas, bukan folder" in _one_line(result.stderr)
    assert blocker.read_text() == "bukan folder"


def test_a_bad_csv_formulas_value_is_one_line(tmp_path: Path) -> None:
    data = _hostile_list(tmp_path / "daftar.csv")
    out = tmp_path / "hasil"
    args = ["validate", str(data), "--out", str(out), "--csv-formulas", "mungkin"]
    result = invoke_assert_code(args, 2)
    assert "--csv-formulas" in _one_line(result.stderr)
    assert not out.exists()
