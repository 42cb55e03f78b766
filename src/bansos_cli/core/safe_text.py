"""Text from files made safe to show in a terminal: control characters escaped.

A cell, a header or a file name can hold terminal control sequences (``ESC [ 2 J`` clears the
screen, ``ESC ] 8`` writes a hyperlink, ``ESC ] 0`` retitles the window, a bare CR overwrites
the line shown). :func:`escape_controls` is the one function every path to the terminal goes
through (the CLI's consoles apply it to every segment they render): each C0 control except
tab and newline, DEL, each C1 control and the bidirectional overrides is shown as a visible
escape (``\\x1b``, ``\\u202e``), never sent as it is.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every terminal control character written as a visible escape:
    ``"A\\x1b[2JB"`` -> ``"A\\\\x1b[2JB"``. Tab and newline are kept."""
    return _CONTROLS.sub(_shown, text) if _CONTROLS.search(text) else text


def escape_json_controls(text: str) -> str:
    """JSON text (from ``json.dumps``) with the controls JSON leaves raw (DEL, C1, the
    bidirectional overrides) written as ``\\uXXXX`` escapes: the same document, safe to show
    in a terminal. (``json.dumps`` already escapes C0; these can only sit inside strings.)"""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_controls(text: str) -> bool:
    """Does ``text`` hold a character :func:`escape_controls` would escape?"""
    return _CONTROLS.search(text) is not None
