"""Vectorised SpreadsheetML for big table sheets.

xlsxwriter needs several microseconds per cell in Python, which makes a 200k x 30 sheet take
a minute. Here the ``<row>``/``<c>`` elements of a whole batch of rows are built with polars
string expressions (escaping included) and streamed into the workbook's zip file.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from bansos_cli.core.columns import excel_column_letter as column_letter

MAX_CELL_CHARS = 32_767
"""Excel's limit on the text of one cell."""
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]"
_CARE = r"[&<>\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|^\s|\s$"
"""A text cell that needs escaping, or ``xml:space="preserve"`` for a space at an end."""


def _escape(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.slice(0, MAX_CELL_CHARS)
        .str.replace_all(_CONTROL, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def text_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Keep numbers and Booleans; everything else becomes text (dates as dd-mm-yyyy)."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype.is_numeric():
            if dtype.is_float():
                exprs.append(pl.when(col.is_finite()).then(col).alias(name))
            continue
        if dtype == pl.Boolean or dtype == pl.String:
            continue
        if dtype == pl.Date:
            exprs.append(col.dt.strftime("%d-%m-%Y").alias(name))
        elif isinstance(dtype, pl.Datetime):
            exprs.append(col.dt.strftime("%d-%m-%Y %H:%M:%S").alias(name))
        elif isinstance(dtype, pl.List | pl.Array):
            exprs.append(col.cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(col.struct.json_encode().alias(name))
        else:
            exprs.append(col.cast(pl.String).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def escape_attr(expr: pl.Expr) -> pl.Expr:
    """Text made safe inside a double-quoted XML attribute."""
    return _escape(expr).str.replace_all('"', "&quot;", literal=True)


def escape_text(expr: pl.Expr) -> pl.Expr:
    """Text made safe as XML character data (cut to Excel's cell limit)."""
    return _escape(expr)


def wrapped_lines(expr: pl.Expr, width: int) -> pl.Expr:
    """Lines a text takes wrapped in a column ``width`` characters wide (an estimate: Excel
    and LibreOffice do not grow rows written this way by themselves)."""
    per_line = max(int(width * 1.2) - 1, 1)  # a width unit is a digit; letters are narrower
    return (
        expr.cast(pl.String)
        .fill_null("")
        .str.split("\n")
        .list.eval((pl.element().str.len_chars() / per_line).ceil().clip(lower_bound=1))
        .list.sum()
        .cast(pl.Int64)
    )


def _cell(
    letter: str, base_attr: str, style: pl.Expr | None, kind: str, body: pl.Expr, close: str
) -> pl.Expr:
    """One ``<c>`` element per row; null where ``body`` is null (concat_str propagates it),
    so that an empty cell is left out (or written blank with its highlight)."""
    if style is None:
        head = [pl.lit(f'<c r="{letter}'), pl.col("__r"), pl.lit(f'"{base_attr}{kind}')]
    else:
        head = [pl.lit(f'<c r="{letter}'), pl.col("__r"), pl.lit('"'), style, pl.lit(kind)]
    return pl.concat_str([*head, body, pl.lit(close)])


def rows_xml(
    batch: pl.DataFrame,
    first_row: int,
    styles: pl.DataFrame | None,
    style_prefix: str,
    base_styles: Mapping[int, int] | None = None,
    heights: pl.Series | None = None,
) -> str:
    """The ``<row>`` elements of ``batch``; its first row becomes Excel row ``first_row``
    (1-based). ``styles`` has a column ``<style_prefix><j>`` (xf index, may be null) for each
    highlighted column index ``j``, aligned with ``batch``; ``base_styles`` gives the xf index
    of the other cells of a column (wrapped text, links). A blank cell is written only when
    it is highlighted. ``heights`` (points, null: automatic) sets the height of each row."""
    base_styles = base_styles or {}
    n = batch.height
    if n == 0:
        return ""
    rownum = pl.int_range(first_row, first_row + n, dtype=pl.Int64, eager=True).cast(pl.String)
    frame = batch.with_columns(rownum.alias("__r"))
    if styles is not None:
        frame = frame.hstack(styles)
    # Most text columns (NIK, dates, codes) hold nothing to escape and no space at an end:
    # they are written in one pass; only the columns that need it are escaped.
    texts = [name for name, dtype in batch.schema.items() if dtype == pl.String]
    careful: set[str] = set()
    if texts:
        flags = batch.select(
            [
                (
                    pl.col(c).str.contains(_CARE).any()
                    | (pl.col(c).str.len_bytes().max() > MAX_CELL_CHARS)
                ).alias(c)
                for c in texts
            ]
        ).row(0)
        careful = {c for c, flag in zip(texts, flags, strict=True) if flag}
    cells = []
    for j, (name, dtype) in enumerate(batch.schema.items()):
        col = pl.col(name)
        letter = column_letter(j)
        style_col = f"{style_prefix}{j}"
        base = base_styles.get(j)
        base_attr = f' s="{base}"' if base is not None else ""
        if styles is not None and style_col in styles.columns:
            style: pl.Expr | None = pl.concat_str(
                [pl.lit(' s="'), pl.col(style_col).cast(pl.String), pl.lit('"')]
            ).fill_null(base_attr)
            blank: pl.Expr = pl.when(pl.col(style_col).is_not_null()).then(
                pl.concat_str(
                    [pl.lit(f'<c r="{letter}'), pl.col("__r"), pl.lit('"'), style, pl.lit("/>")]
                )  # fmt: skip
            )
        else:
            style = None
            blank = pl.lit(None, dtype=pl.String)

        def cell(kind: str, body: pl.Expr, close: str) -> pl.Expr:
            return _cell(letter, base_attr, style, kind, body, close)  # noqa: B023 (used here)

        if dtype == pl.Boolean:
            value = cell(' t="b"><v>', col.cast(pl.Int8).cast(pl.String), "</v></c>")
        elif dtype.is_numeric():
            value = cell("><v>", col.cast(pl.String), "</v></c>")
        elif name in careful:
            # xml:space="preserve" only where a space at an end must survive
            plain = cell(' t="inlineStr"><is><t>', _escape(col), "</t></is></c>")
            kept = cell(' t="inlineStr"><is><t xml:space="preserve">', _escape(col),
                        "</t></is></c>")  # fmt: skip
            value = pl.when(col.str.contains(r"^\s|\s$")).then(kept).otherwise(plain)
        else:
            value = cell(' t="inlineStr"><is><t>', col, "</t></is></c>")
        cells.append(value.fill_null(blank).fill_null(""))
    height: pl.Expr = pl.lit("")
    if heights is not None:
        frame = frame.with_columns(heights.alias("__h"))
        height = (
            pl.when(pl.col("__h").is_not_null())
            .then(
                pl.concat_str(
                    [pl.lit('" ht="'), pl.col("__h").cast(pl.String), pl.lit('" customHeight="1')]
                )
            )
            .otherwise(pl.lit(""))
        )
    row = pl.concat_str(
        [pl.lit('<row r="'), pl.col("__r"), height, pl.lit('">'), *cells, pl.lit("</row>")]
    )
    return frame.select(row.str.join("")).item()
