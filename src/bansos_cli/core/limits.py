"""The limits bansos puts on what it reads, in one place (documented in docs/security.md).

A file that passes these limits is read in memory proportional to the cells that hold data;
one that does not is refused with a one-line message naming the file, the place (the far
cell, the YAML key path) and what to do, before anything large is allocated.
"""

from __future__ import annotations

MAX_SHEET_COLUMNS = 1_000
"""Widest sheet read (column ``ALL``). Beneficiary lists have tens of columns; a filled cell
beyond this is a stray cell (typed far to the right), not data."""

MAX_SHEET_CELLS = 32 * 1024 * 1024
"""Most cells of one sheet's used range (last filled row x last filled column): 33,554,432,
about 1 GiB in the Excel reader, which holds the whole range at 32 bytes a cell. A full
1,048,576-row sheet fits up to 32 columns; a stray cell at ``AZ1048576`` below a short list
does not."""

MAX_YAML_BYTES = 2_000_000
"""Largest mapping, configuration or rules YAML file read (2 MB; real ones are a few KB)."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of mappings and lists in a YAML file (real ones nest fewer than ten)."""
