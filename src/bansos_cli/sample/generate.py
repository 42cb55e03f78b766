"""``generate``: a synthetic beneficiary list in a chosen layout, with its ground truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bansos_cli.core.errors import OptionError
from bansos_cli.sample import layouts
from bansos_cli.sample.codes import DEFAULT_ERROR_MIX, DUPLICATE_CODES, ERROR_CODES
from bansos_cli.sample.damage import nik_text
from bansos_cli.sample.layouts import LAYOUTS, SheetSpec
from bansos_cli.sample.people import EPOCH, make_population
from bansos_cli.sample.records import (
    Masks,
    add_duplicates,
    inject_errors,
    nik_clean,
    order_records,
    problems_column,
)
from bansos_cli.sample.region import Region, resolve_region

REFERENCE_DATE = dt.date(2025, 7, 1)
"""Ages and issue dates are drawn relative to this date unless another is given."""
DEFAULT_ERROR_RATE = 0.10
DEFAULT_DUPLICATE_RATE = 0.03
MAX_ROWS = 50_000_000

TRUTH_SCHEMA = {
    "row": pl.Int64,
    "person_id": pl.Int64,
    "family_id": pl.Int64,
    "problems": pl.List(pl.String),
    "nik": pl.String,
    "no_kk": pl.String,
    "nama": pl.String,
    "tanggal_lahir": pl.Date,
    "jenis_kelamin": pl.String,
    "shdk": pl.Int8,
    "kode_desa": pl.String,
    "nik_clean": pl.Boolean,
    "is_duplicate": pl.Boolean,
    "dup_of_row": pl.Int64,
    "deceased": pl.Boolean,
    "job_excluded": pl.Boolean,
    "desil": pl.Int8,
}


@dataclass
class SampleResult:
    """A generated list: the rows as the file holds them, and the truth about every row.

    ``frame`` has text columns named with the layout's headers. ``truth`` has one row per
    ``frame`` row, in the same order (see docs/sample-data.md for its columns); its ``row``
    is the Excel row (xlsx layouts: ``siks_ng``, ``blt_dd``) or CSV line (``canonical``) the
    row gets in the layout's native file; :func:`write_sample` rewrites it for the file
    format it actually writes.
    """

    frame: pl.DataFrame
    truth: pl.DataFrame
    layout: str
    seed: int
    sheets: list[SheetSpec] = field(default_factory=list)
    """Every sheet of the native workbook in order; ``data_sheet`` indexes the data sheet."""
    data_sheet: int = 0

    @property
    def data(self) -> SheetSpec:
        return self.sheets[self.data_sheet]


def _check(rows: int, error_rate: float, duplicate_rate: float, layout: str) -> None:
    if layout not in LAYOUTS:
        raise OptionError.of("SAMPLE_LAYOUT_UNKNOWN", layout=layout, layouts=", ".join(LAYOUTS))
    if not 1 <= rows <= MAX_ROWS:
        raise OptionError.of("SAMPLE_ROWS_RANGE", maximum=MAX_ROWS, rows=rows)
    for name, value in (("error_rate", error_rate), ("duplicate_rate", duplicate_rate)):
        if not 0.0 <= value <= 0.9:
            raise OptionError.of("SAMPLE_RATE_RANGE", name=name, maximum=0.9, value=value)


def _one_village(rng: np.random.Generator, region: Region) -> Region:
    desa = region.villages.filter(pl.col("jenis") == "desa")
    pool = desa if desa.height else region.villages
    pick = pool[int(rng.integers(0, pool.height))]
    return Region(str(pick["kode_desa"][0]), pick, region.regency_districts, region.retired_codes)


def generate(
    rows: int,
    seed: int,
    *,
    layout: str = "canonical",
    error_rate: float = DEFAULT_ERROR_RATE,
    duplicate_rate: float = DEFAULT_DUPLICATE_RATE,
    region: str | None = None,
    reference_date: dt.date = REFERENCE_DATE,
    error_mix: Mapping[str, float] | None = None,
) -> SampleResult:
    """Generate ``rows`` data rows of a beneficiary list, deterministic for ``seed``.

    ``layout``: ``canonical`` (snake_case columns, one row per person), ``siks_ng`` (a SIKS-NG
    DTKS export, one row per person) or ``blt_dd`` (a village BLT Dana Desa list, one row
    per family head, from one desa of ``region``). ``error_rate``: share of rows given exactly
    one injected error (kinds drawn from ``error_mix``, default
    :data:`~bansos_cli.sample.codes.DEFAULT_ERROR_MIX`). ``duplicate_rate``: share of rows
    that are extra records of a person or family already listed. ``region``: a Kemendagri
    code of 2, 4, 6 or 10 digits (default 3201, Kabupaten Bogor).
    """
    _check(rows, error_rate, duplicate_rate, layout)
    mix = dict(error_mix) if error_mix is not None else dict(DEFAULT_ERROR_MIX)
    unknown = sorted(set(mix) - set(ERROR_CODES))
    if unknown:
        raise OptionError.of("SAMPLE_ERROR_KINDS_UNKNOWN", kinds=", ".join(unknown))
    rng = np.random.default_rng(seed)
    where = resolve_region(region)
    ref_days = (reference_date - EPOCH).days
    n_dup = int(round(rows * duplicate_rate))
    n_base = rows - n_dup
    if layout == "blt_dd":
        where = _one_village(rng, where)
        pop = make_population(rng, n_base * 4 + 40, where, reference_date)
        pop = pop.filter(pl.col("shdk") == 1)
        while pop.height < n_base:  # pragma: no cover - 4 people per head is always enough
            pop = pl.concat([pop, pop])
        pop = pop.head(n_base).with_columns(pl.col("member_pos").clip(0, 0))
    else:
        pop = make_population(rng, n_base, where, reference_date)
    recs = pop.with_columns(
        pl.col("nik_int").alias("nik_show_int"),
        pl.col("nama").alias("nama_show"),
        pl.lit(None, dtype=pl.String).alias("dup_code"),
        pl.lit(None, dtype=pl.Int64).alias("dup_src"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("rec_id"),
        pl.lit(None, dtype=pl.String).alias("name_kind"),
        pl.lit(0, dtype=pl.Int8).alias("nik_kind"),
    )
    recs = add_duplicates(rng, recs, n_dup, where, ref_days)
    recs = order_records(rng, recs)
    n = recs.height
    masks: Masks = {}
    for code in DUPLICATE_CODES:
        masks[code] = (recs["dup_code"] == code).fill_null(False).to_numpy()
    name_kind = recs["name_kind"].fill_null("").to_numpy()
    nik_kind = recs["nik_kind"].to_numpy()
    masks["nik_different"] = nik_kind == 2
    recs, errors = inject_errors(rng, recs, int(round(rows * error_rate)), mix)
    for code, m in errors.items():
        masks[code] = masks.get(code, np.zeros(n, dtype=bool)) | m
    for code in set(name_kind) - {""}:
        masks[code] = masks.get(code, np.zeros(n, dtype=bool)) | (name_kind == code)
    masks["nik_typo_digit"] = masks["nik_typo_digit"] | (nik_kind == 1)
    for fact in (
        "nik_retired_code",
        "nik_date_differs",
        "birthdate_default",
        "deceased",
        "job_excluded",
    ):
        masks[fact] = recs[fact].to_numpy()
    # Some deceased people carry ALM./ALMH. in the name, as officers write it.
    person = recs["person_id"].to_numpy()
    marker = masks["deceased"] & (rng.random(int(person.max()) + 1)[person] < 0.3)
    masks["name_deceased_marker"] = marker
    clean_nik = nik_clean(masks, n)
    # Dukcapil cannot match a damaged NIK: most of those rows are "TIDAK PADAN".
    padan_show = recs["padan"].to_numpy() & (clean_nik | (rng.random(n) < 0.4))
    recs = recs.with_columns(
        pl.when(pl.Series(marker))
        .then(
            pl.concat_str(
                [
                    pl.when(pl.col("female")).then(pl.lit("ALMH. ")).otherwise(pl.lit("ALM. ")),
                    pl.col("nama_show"),
                ]
            )
        )
        .otherwise(pl.col("nama_show"))
        .alias("nama_show"),
        pl.Series("padan_show", padan_show),
    )

    sheets: list[SheetSpec]
    if layout == "canonical":
        frame = layouts.render_canonical(recs)
        sheets = [
            SheetSpec(
                "data",
                frame,
                blank_before_header=0,
                number_cells={
                    "nik": recs["nik_num"].to_numpy(),
                    "no_kk": recs["kk_num"].to_numpy(),
                },
            )
        ]
        data_sheet = 0
    elif layout == "siks_ng":
        frame = layouts.render_siks_ng(recs)
        sheets, data_sheet = _siks_ng_sheets(rng, frame, recs, where, reference_date)
    elif layout == "keluarga":
        frame = layouts.render_keluarga(recs)
        sheets, data_sheet = _keluarga_sheets(rng, frame, recs, where, reference_date)
    else:
        frame = layouts.render_blt_dd(recs, rng)
        sheets, data_sheet = _blt_dd_sheets(rng, frame, recs, where, reference_date)
    if layout == "canonical":
        row = np.arange(n, dtype=np.int64) + 2  # CSV: header on line 1
    else:
        row = sheets[data_sheet].excel_rows()
    truth = build_truth(recs, masks, row, clean_nik)
    return SampleResult(frame, truth, layout, seed, sheets, data_sheet)


def build_truth(
    recs: pl.DataFrame, masks: Masks, row: np.ndarray, clean_nik: np.ndarray
) -> pl.DataFrame:
    """The truth frame (schema :data:`TRUTH_SCHEMA`) for records in file order."""
    n = recs.height
    pos_of_rec = pl.DataFrame({"rec_id": recs["rec_id"], "r": row})
    dup_of = (
        recs.select("dup_src").join(
            pos_of_rec, left_on="dup_src", right_on="rec_id", how="left", maintain_order="left"
        )
    )["r"]
    truth = pl.DataFrame(
        {
            "row": row,
            "person_id": recs["person_id"],
            "family_id": recs["family_id"],
            "problems": problems_column(masks, n),
            "nik": nik_text(recs["nik_int"].to_numpy()),
            "no_kk": nik_text(recs["kk_int"].to_numpy()),
            "nama": recs["nama"],
            "tanggal_lahir": recs["tanggal_lahir"],
            "jenis_kelamin": np.where(recs["female"].to_numpy(), "P", "L"),
            "shdk": recs["shdk"],
            "kode_desa": recs["kode_desa"],
            "nik_clean": clean_nik,
            "is_duplicate": recs["dup_code"].is_not_null(),
            "dup_of_row": dup_of,
            "deceased": recs["deceased"],
            "job_excluded": recs["job_excluded"],
            "desil": recs["desil"],
        }
    )
    return truth.cast(TRUTH_SCHEMA)  # type: ignore[arg-type]


def _region_titles(region: Region) -> tuple[str, str, str]:
    v = region.villages
    return str(v["provinsi"][0]), str(v["kabupaten"][0]), str(v["kecamatan"][0])


def _empty_rows(rng: np.random.Generator, n: int) -> list[int]:
    """A few empty rows in the middle of the data (about one per 700 rows, at least one)."""
    if n < 3:
        return []
    k = max(1, n // 700)
    return sorted(set(rng.integers(1, n, k).tolist()))


def _id_number_cells(recs: pl.DataFrame) -> dict[str, np.ndarray]:
    """The NIK / NO KK cells written as (Excel-damaged) number cells."""
    return {"NIK": recs["nik_num"].to_numpy(), "NO KK": recs["kk_num"].to_numpy()}


def _siks_ng_sheets(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    recs: pl.DataFrame,
    region: Region,
    reference: dt.date,
) -> tuple[list[SheetSpec], int]:
    prov, kab, kec = _region_titles(region)
    one_kec = recs["kode_kecamatan"].n_unique() == 1
    titles = [
        "DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)",
        f"PROVINSI {prov} - {kab}" + (f" - KECAMATAN {kec}" if one_kec else ""),
        f"Diunduh dari SIKS-NG tanggal {reference:%d-%m-%Y} 09:12:45",
        "Status: Final - Kementerian Sosial RI",
    ]
    n_titles = int(rng.integers(2, 5))
    data = SheetSpec(
        "DATA DTKS",
        frame,
        title_rows=titles[:n_titles],
        empty_before=_empty_rows(rng, frame.height),
        number_cells=_id_number_cells(recs),
    )
    recap = (
        recs.group_by("desa")
        .agg(
            pl.col("kk_int").n_unique().alias("JUMLAH KK"),
            pl.len().alias("JUMLAH JIWA"),
            (~pl.col("female")).sum().alias("L"),
            pl.col("female").sum().alias("P"),
        )
        .sort("desa")
        .with_columns((pl.int_range(pl.len()) + 1).alias("NO"))
        .select("NO", pl.col("desa").alias("DESA/KELURAHAN"), "JUMLAH KK", "JUMLAH JIWA", "L", "P")
    )
    recap = recap.cast(pl.String)
    total = pl.DataFrame(
        {
            "NO": [""],
            "DESA/KELURAHAN": ["TOTAL"],
            "JUMLAH KK": [str(recs["kk_int"].n_unique())],
            "JUMLAH JIWA": [str(recs.height)],
            "L": [str(int((~recs["female"]).sum()))],
            "P": [str(int(recs["female"].sum()))],
        }
    )
    recap_sheet = SheetSpec(
        "REKAP",
        pl.concat([recap, total]),
        title_rows=[f"REKAPITULASI DTKS PER DESA/KELURAHAN - {kab}"],
        number_columns=("NO", "JUMLAH KK", "JUMLAH JIWA", "L", "P"),
    )
    hidden = SheetSpec(
        "REF",
        pl.DataFrame(
            {
                "KODE": ["1", "2", "3", "4"],
                "HUBUNGAN": ["KEPALA KELUARGA", "SUAMI", "ISTRI", "ANAK"],
            }
        ),
        blank_before_header=0,
        hidden=True,
    )
    return [recap_sheet, data, hidden], 1


def _blt_dd_sheets(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    recs: pl.DataFrame,
    region: Region,
    reference: dt.date,
) -> tuple[list[SheetSpec], int]:
    prov, kab, kec = _region_titles(region)
    desa = str(region.villages["desa"][0])
    titles = [
        f"DAFTAR KELUARGA PENERIMA MANFAAT (KPM) BLT DANA DESA TAHUN {reference.year}",
        f"DESA {desa} KECAMATAN {kec}",
        f"{kab} - PROVINSI {prov}",
    ]
    footer = [
        f"{desa.title()}, {reference:%d-%m-%Y}",
        "Mengetahui,",
        f"Kepala Desa {desa.title()}",
        "",
        "(....................................)",
    ]
    data = SheetSpec(
        "BLT DD",
        frame,
        title_rows=titles,
        blank_before_header=1,
        empty_before=_empty_rows(rng, frame.height),
        number_cells=_id_number_cells(recs),
        number_columns=("NO", "RT", "RW", "JUMLAH ANGGOTA KELUARGA", "DESIL"),
        footer_rows=footer,
    )
    return [data], 0


def _keluarga_sheets(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    recs: pl.DataFrame,
    region: Region,
    reference: dt.date,
) -> tuple[list[SheetSpec], int]:
    prov, kab, kec = _region_titles(region)
    titles = [
        f"DAFTAR KELUARGA DAN ANGGOTA KELUARGA CALON PENERIMA BANSOS TAHUN {reference.year}",
        (f"KECAMATAN {kec} - " if recs["kode_kecamatan"].n_unique() == 1 else "")
        + f"{kab} - PROVINSI {prov}",
    ]
    data = SheetSpec(
        "DATA KELUARGA",
        frame,
        title_rows=titles,
        blank_before_header=1,
        empty_before=_empty_rows(rng, frame.height),
        number_cells=_id_number_cells(recs),
        number_columns=("NO", "DESIL"),
        header_groups=dict(layouts.KELUARGA_GROUPS),
        merge_runs=layouts.KELUARGA_MERGED,
    )
    return [data], 0
