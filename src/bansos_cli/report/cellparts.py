"""Cell notes (comments) and internal hyperlinks of a table sheet, as XML built in bulk.

xlsxwriter writes a note in Python per cell (about 0.1 ms each, plus an empty ``<row>`` in
the sheet XML), and refuses more than 65,530 links per sheet. A report of a big list has tens
of thousands of bad cells, so the parts are generated here with polars string expressions,
like the rows themselves (:mod:`bansos_cli.report.sheetxml`): the layout workbook gets one
note per sheet so that xlsxwriter lays out the plumbing (relationships, content types,
``<legacyDrawing>``), and the notes file and its VML drawing are then replaced.
"""

from __future__ import annotations

import polars as pl

from bansos_cli.core.columns import excel_column_letter
from bansos_cli.report.sheetxml import escape_attr, escape_text

MAX_LINKS = 65_530
"""Hyperlinks Excel keeps in one worksheet."""
NOTE_AUTHOR = "bansos"

_COMMENTS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f"<authors><author>{NOTE_AUTHOR}</author></authors><commentList>"
)
_COMMENTS_TAIL = "</commentList></comments>"
_RUN_PROPS = '<rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
_VML_SHAPE_TYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_SHAPES_PER_BLOCK = 1024
"""VML shape ids come in blocks of 1024 per ``o:idmap`` entry."""


def _with_refs(cells: pl.DataFrame) -> pl.DataFrame:
    # the letters of the few distinct columns are computed in Python, then joined
    columns = cells.select(pl.col("col0").unique())
    letters = columns.with_columns(
        pl.Series(
            "letters",
            [excel_column_letter(int(c)) for c in columns.get_column("col0").to_list()],
            dtype=pl.String,
        )
    )
    return cells.join(letters, on="col0", how="left", maintain_order="left").with_columns(
        pl.concat_str([pl.col("letters"), (pl.col("row0") + 1).cast(pl.String)]).alias("ref")
    )


def comments_xml(notes: pl.DataFrame) -> str:
    """The ``xl/commentsN.xml`` of a sheet: ``notes`` has ``row0``, ``col0`` (0-based cell)
    and ``text``, one row per cell, in row order."""
    cells = _with_refs(notes.sort("row0", "col0"))
    body = cells.select(
        pl.concat_str(
            [
                pl.lit('<comment ref="'),
                pl.col("ref"),
                pl.lit(f'" authorId="0"><text><r>{_RUN_PROPS}<t xml:space="preserve">'),
                escape_text(pl.col("text")),
                pl.lit("</t></r></text></comment>"),
            ]
        )
        .str.join("")
        .alias("xml")
    ).item()
    return _COMMENTS_HEAD + (body or "") + _COMMENTS_TAIL


def vml_xml(notes: pl.DataFrame, first_block: int) -> tuple[str, int]:
    """The ``xl/drawings/vmlDrawingN.vml`` of a sheet's notes (hidden note boxes anchored to
    their cells), with shape ids from id block ``first_block`` on; returns the XML and the
    next free block."""
    n = notes.height
    blocks = max(1, -(-n // _SHAPES_PER_BLOCK))
    ids = ",".join(str(first_block + i) for i in range(blocks))
    cells = notes.sort("row0", "col0").with_row_index("k")
    row0, col0 = pl.col("row0").cast(pl.String), pl.col("col0").cast(pl.String)
    shape_id = (pl.lit(first_block * _SHAPES_PER_BLOCK + 1) + pl.col("k")).cast(pl.String)
    # the box opens to the right of the cell, 3 columns wide and 5 rows high (shown on hover)
    anchor = pl.concat_str(
        [
            (pl.col("col0") + 1).cast(pl.String),
            pl.lit(", 15, "),
            pl.when(pl.col("row0") > 0).then(pl.col("row0") - 1).otherwise(0).cast(pl.String),
            pl.lit(", 10, "),
            (pl.col("col0") + 4).cast(pl.String),
            pl.lit(", 15, "),
            (pl.col("row0") + 4).cast(pl.String),
            pl.lit(", 4"),
        ]
    )
    body = cells.select(
        pl.concat_str(
            [
                pl.lit('<v:shape id="_x0000_s'),
                shape_id,
                pl.lit(
                    '" type="#_x0000_t202" style="position:absolute;margin-left:60pt;'
                    "margin-top:1.5pt;width:216pt;height:90pt;z-index:"
                ),
                (pl.col("k") + 1).cast(pl.String),
                pl.lit(
                    ';visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
                    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
                    '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
                    '<div style="text-align:left"></div></v:textbox>'
                    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
                    "<x:Anchor>"
                ),
                anchor,
                pl.lit("</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>"),
                row0,
                pl.lit("</x:Row><x:Column>"),
                col0,
                pl.lit("</x:Column></x:ClientData></v:shape>"),
            ]
        )
        .str.join("")
        .alias("xml")
    ).item()
    head = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{ids}"/></o:shapelayout>'
    )
    return head + _VML_SHAPE_TYPE + (body or "") + "</xml>", first_block + blocks


def hyperlinks_xml(links: pl.DataFrame) -> str:
    """The ``<hyperlinks>`` element of a sheet: ``links`` has the 0-based cell (``row0``,
    ``col0``), the ``location`` (``'Data'!F7``) and the ``display`` text; at most
    :data:`MAX_LINKS` are kept (the first ones, in row order)."""
    if links.is_empty():
        return ""
    cells = _with_refs(links.sort("row0", "col0").head(MAX_LINKS))
    body = cells.select(
        pl.concat_str(
            [
                pl.lit('<hyperlink ref="'),
                pl.col("ref"),
                pl.lit('" location="'),
                escape_attr(pl.col("location")),
                pl.lit('" display="'),
                escape_attr(pl.col("display").fill_null("")),
                pl.lit('"/>'),
            ]
        )
        .str.join("")
        .alias("xml")
    ).item()
    return f"<hyperlinks>{body}</hyperlinks>"


def sheet_ref(name: str) -> str:
    """A sheet name as a formula reference: ``'Data (2)'`` (quotes doubled)."""
    return "'" + name.replace("'", "''") + "'"


__all__ = ["MAX_LINKS", "comments_xml", "hyperlinks_xml", "sheet_ref", "vml_xml"]
