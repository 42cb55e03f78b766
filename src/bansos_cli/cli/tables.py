"""Terminal tables that cut nothing: at 80 columns a cell wraps, it is never truncated.

rich shortens a word longer than its column with an ellipsis by default, which made a file
name, a row number or a masked NIK unreadable at 80 columns (``siks_ng_…``, ``3201****…``).
Every table bansos prints goes through :func:`table`, whose columns fold instead: the whole
value stays, over two lines if it must. Codes and masked NIKs get a minimum width so that
they do not even fold.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table


def table(title: str | None = None, **options: Any) -> Table:
    """A borderless table with a left-aligned title, whose columns fold long values."""
    return _Folding(title=title, title_justify="left", show_edge=False, **options)


class _Folding(Table):
    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(header, *args, **kwargs)


__all__ = ["table"]
