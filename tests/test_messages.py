"""The message catalogue: complete in both languages, and every code the source uses exists."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from bansos_cli.core import messages
from bansos_cli.core.errors import BansosError, ConfigError, InputFileError, OptionError
from bansos_cli.core.messages import Text
from bansos_cli.ingest import Notice, ReadOptions, read_inputs
from bansos_cli.validate import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bansos_cli"
NIK = "3201010101800001"

ALL = messages.catalogue()


def _by_domain(domain: str) -> dict[str, messages.Message]:
    return {code: m for code, m in ALL.items() if m.domain == domain}


def _source(*, outside_cli: bool = False) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(SRC.rglob("*.py"))
        if not (outside_cli and "cli" in path.relative_to(SRC).parts[:1])
    }


def _used(pattern: str, *, outside_cli: bool = False) -> dict[str, Path]:
    """Codes matched by ``pattern`` (one group) in the package source, with a file using each."""
    found: dict[str, Path] = {}
    for path, text in _source(outside_cli=outside_cli).items():
        for code in re.findall(pattern, text):
            found.setdefault(code, path)
    return found


def _fields(template: str) -> list[tuple[str, str, str]]:
    """``(name, conversion, spec)`` of every placeholder, sorted."""
    return sorted(
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    )


# --- the catalogue itself ------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ALL))
def test_every_entry_has_both_languages_with_the_same_placeholders(code: str) -> None:
    entry = ALL[code]
    assert set(entry.texts) == set(messages.LANGS), f"{code}: texts {sorted(entry.texts)}"
    assert all(text.strip() for text in entry.texts.values()), code
    assert _fields(entry.texts["id"]) == _fields(entry.texts["en"]), code
    if entry.hints is not None:
        assert set(entry.hints) == set(messages.LANGS), f"{code}: hints {sorted(entry.hints)}"
        assert all(text.strip() for text in entry.hints.values()), code
        assert _fields(entry.hints["id"]) == _fields(entry.hints["en"]), code


@pytest.mark.parametrize("code", sorted(ALL))
def test_every_entry_renders_with_its_placeholders_filled(code: str) -> None:
    params = dict.fromkeys(ALL[code].params, 1234)
    for lang in messages.LANGS:
        shown = f"{messages.text(code, lang, **params)} {messages.hint(code, lang, **params)}"
        if params:
            assert "1234" in shown or ("1.234" if lang == "id" else "1,234") in shown


def test_a_missing_parameter_is_a_bug() -> None:
    with pytest.raises(KeyError):
        messages.text("FILE_TYPE_UNSUPPORTED", "en")


def test_a_text_parameter_is_rendered_in_the_same_language() -> None:
    what = Text("PART_MAPPING_FILE")
    assert messages.text("YAML_INVALID", "id", what=what, line=2) == (
        "berkas pemetaan kolom bukan YAML yang sah di baris 2"
    )
    assert messages.text("YAML_INVALID", "en", what=what, line=2) == (
        "mapping file is not valid YAML at line 2"
    )
    problems = [Text("PART_UNKNOWN_KEY", {"key": "stages.validat"}), "x: y"]
    assert messages.text("SETTINGS_INVALID", "id", problems=problems) == (
        "stages.validat: kunci tidak dikenal; x: y"
    )


# --- every code used in the source has its texts (and no text is left without its code) ----


def test_every_registered_finding_has_its_texts() -> None:
    assert set(CATALOGUE) == set(_by_domain("findings"))
    for spec in CATALOGUE.values():
        for lang in messages.LANGS:
            assert spec.message(lang).count("{detail}") <= 1
            assert spec.hint(lang)


def test_every_notice_code_used_in_the_source_has_its_texts() -> None:
    used = _used(r'Notice\(\s*"([A-Z0-9_]+)"')
    assert used, "no Notice(...) found: the pattern is stale"
    notices = _by_domain("notices")
    missing = {code: str(path) for code, path in used.items() if code not in notices}
    assert not missing, f"notice codes without an entry in notices.yaml: {missing}"
    assert set(notices) == set(used), "notices.yaml has codes no source uses"


def test_every_notice_code_is_documented() -> None:
    """Reading notices in docs/reading-files.md, duplicate-search notices in docs/dedup.md,
    engine notices in docs/scale.md."""
    pages = {"DEDUP_": "dedup.md", "ENGINE_": "scale.md"}
    for code in _by_domain("notices"):
        page = next((p for prefix, p in pages.items() if code.startswith(prefix)), None)
        page = page or "reading-files.md"
        doc = (ROOT / "docs" / page).read_text(encoding="utf-8")
        assert f"| `{code}` |" in doc, f"{code} missing from docs/{page}"


def test_every_error_code_used_in_the_source_has_its_texts() -> None:
    used = _used(r'\.of\(\s*"([A-Z0-9_]+)"') | _used(r'\bcode="([A-Z0-9_]+)"')
    used |= _used(r'\bText\(\s*"([A-Z0-9_]+)"', outside_cli=True)
    assert len(used) > 60, "the patterns for error codes are stale"
    missing = {code: str(path) for code, path in used.items() if code not in ALL}
    assert not missing, f"codes without a catalogue entry: {missing}"
    errors = set(_by_domain("errors"))
    source = "\n".join(_source().values())
    unused = sorted(code for code in errors if f'"{code}"' not in source)
    assert not unused, f"errors.yaml has codes no source uses: {unused}"


def test_no_error_outside_the_cli_is_raised_with_plain_text() -> None:
    plain = re.compile(
        r"\b(?:InputFileError|OptionError|ConfigError|OutputError|BansosError)"
        r"\(\s*(?:[rf]?[\"']|message=)"
    )
    offenders = [
        f"{path.relative_to(SRC)}:{text[: m.start()].count(chr(10)) + 1}"
        for path, text in _source(outside_cli=True).items()
        for m in plain.finditer(text)
    ]
    assert not offenders, f"raise these with .of(CODE, ...): {offenders}"


# --- errors in both languages --------------------------------------------------------------


def test_a_missing_file_through_the_python_api_in_both_languages(tmp_path: Path) -> None:
    from bansos_cli import api

    missing = tmp_path / "daftar_kecamatan.xlsx"
    with pytest.raises(InputFileError) as caught:
        api.validate([missing], as_of=dt.date(2025, 7, 1), out_dir=None)
    exc = caught.value
    assert exc.code == "FILE_NOT_FOUND"
    assert exc.path == str(missing)
    assert exc.render("id") == (
        f"{missing}: berkas tidak ditemukan (periksa letak folder dan ejaan nama berkas)"
    )
    assert exc.render("en") == f"{missing}: file not found (check the path and the spelling)"
    assert str(exc) == exc.render("en")
    assert exc.detail == "file not found" and exc.hint == "check the path and the spelling"


def test_render_without_a_language_follows_bansos_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = OptionError.of("LANG_UNKNOWN", lang="fr")
    monkeypatch.setenv(messages.LANG_ENV, "en")
    assert exc.render() == "unknown language 'fr' (use id or en)"
    monkeypatch.delenv(messages.LANG_ENV)
    assert exc.render() == "bahasa 'fr' tidak dikenal (pakai id atau en)"


def test_a_plain_text_error_still_works_in_english_only() -> None:
    exc = BansosError("something broke", path="a.csv", hint="try again")
    assert exc.code is None
    assert str(exc) == exc.render("id") == "a.csv: something broke (try again)"


def test_a_broken_yaml_file_names_the_kind_of_file_in_either_language(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("NAMA KPM: nama\nNAMA KPM: nik\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_inputs([_csv(tmp_path)], ReadOptions(mapping=mapping))
    assert caught.value.render("id").startswith(
        f"{mapping}: berkas pemetaan kolom: kunci 'NAMA KPM' ditulis dua kali, yang kedua di "
        "baris 2"
    )
    assert str(caught.value).startswith(
        f"{mapping}: mapping file: duplicate key 'NAMA KPM' at line 2"
    )


def test_an_error_quoting_cells_never_shows_a_full_nik(tmp_path: Path) -> None:
    path = tmp_path / "tanpa_judul.csv"
    path.write_text(f"{NIK};SITI AMINAH\n3201010101800002;BUDI\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_inputs([path])
    assert caught.value.code == "TEXT_NO_HEADER"
    for lang in messages.LANGS:
        rendered = caught.value.render(lang)
        assert NIK not in rendered and "SITI AMINAH" in rendered
    assert "pemisah: titik koma" in caught.value.render("id")
    assert "delimiter: semicolon" in caught.value.render("en")


# --- notices ---------------------------------------------------------------------------------


def test_a_notice_renders_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "daftar.csv"
    path.write_bytes(f"NIK;NAMA\n{NIK};JOSÉ\n".encode("cp1252"))
    notice = read_inputs([path]).sources[0].notices[0]
    assert notice == Notice("BERKAS_BUKAN_UTF8", {"encoding": "cp1252"})
    assert notice.text("id").startswith("berkas bukan UTF-8; dibaca sebagai cp1252")
    assert notice.text("en").startswith("file is not UTF-8; read as cp1252")


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "daftar.csv"
    path.write_text(f"NIK,NAMA KPM\n{NIK},SITI\n", encoding="utf-8")
    return path


def test_every_finding_filled_per_row_has_a_general_meaning() -> None:
    """Summaries show a code's meaning without a row's details: a finding whose message has a
    placeholder needs its MEANING_<CODE> text (else the summary would crash or show a hole)."""
    from bansos_cli.validate.catalogue import MEANING_PREFIX

    catalogue = messages.catalogue()
    missing = [
        code
        for code, entry in catalogue.items()
        if entry.domain == "findings" and entry.params and MEANING_PREFIX + code not in catalogue
    ]
    assert missing == []
