"""The typed canonical schema of validated records, as a pandera ``DataFrameModel``.

Columns are optional (exports differ), but when present they must have these types and
ranges. Casting is done by :mod:`bansos_cli.core.casts` beforehand (pandera's own
text->date coercion is not used); this model is the contract the casts must meet.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

STATUS_VALUES = ["ok", "warning", "error"]


class CanonicalRecords(pa.DataFrameModel):
    """Records after ``bansos validate``: typed canonical columns plus meta and status."""

    nik: Optional[str] = pa.Field(nullable=True)  # noqa: UP045 (pandera needs Optional)
    no_kk: Optional[str] = pa.Field(nullable=True)  # noqa: UP045
    nama: Optional[str] = pa.Field(nullable=True)  # noqa: UP045
    tanggal_lahir: Optional[dt.date] = pa.Field(nullable=True)  # noqa: UP045
    jenis_kelamin: Optional[str] = pa.Field(nullable=True, isin=["L", "P"])  # noqa: UP045
    desil: Optional[pl.Int16] = pa.Field(nullable=True)  # noqa: UP045
    rt: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)  # noqa: UP045
    rw: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)  # noqa: UP045
    bansos_pkh: Optional[bool] = pa.Field(nullable=True)  # noqa: UP045
    bansos_bpnt: Optional[bool] = pa.Field(nullable=True)  # noqa: UP045
    pbi_jkn: Optional[bool] = pa.Field(nullable=True)  # noqa: UP045
    source: str = pa.Field()
    row: pl.Int64 = pa.Field(ge=1)
    status: str = pa.Field(isin=STATUS_VALUES)

    class Config:
        strict = False
        coerce = False
