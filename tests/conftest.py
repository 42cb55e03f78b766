"""Shared test helpers: the one way CLI tests run a command and check its exit code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from typer.testing import CliRunner, Result

from bansos_cli.cli import app

_runner = CliRunner()


def invoke_assert_code(
    args: Sequence[str],
    code: int,
    *,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    """Run ``bansos ARGS`` and assert its exit code and that no traceback leaked.

    ``BANSOS_LANG`` is unset unless ``env`` sets it, so the default language is Bahasa
    Indonesia whatever the developer's shell says. Returns the result (``stdout``,
    ``stderr``) for the test's own assertions.
    """
    environment: dict[str, str | None] = {"BANSOS_LANG": None, "BANSOS_DEBUG": None}
    environment.update(env or {})
    result = _runner.invoke(app, list(args), input=input, env=environment)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


__all__ = ["invoke_assert_code"]
