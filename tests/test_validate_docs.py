from pathlib import Path

from bansos_cli.validate import CATALOGUE, SEVERITIES

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def test_every_code_documented_with_severity_and_both_messages() -> None:
    text = DOC.read_text(encoding="utf-8")
    for spec in CATALOGUE.values():
        line = next(
            (row for row in text.splitlines() if row.startswith(f"| `{spec.code}` |")), None
        )
        assert line is not None, f"{spec.code} missing from docs/validation.md"
        assert f"| {spec.severity} |" in line
        assert spec.message_id.replace("|", "\\|") in line
        assert spec.message_en.replace("|", "\\|") in line


def test_catalogue_is_complete() -> None:
    for spec in CATALOGUE.values():
        assert spec.severity in SEVERITIES
        assert spec.message_id and spec.message_en and spec.hint_id and spec.hint_en
        assert spec.message_id.count("{detail}") == spec.message_en.count("{detail}") <= 1
        assert spec.code.upper() == spec.code
