"""Regenerate the committed ``sample_data/`` files: ``python -m bansos_cli.sample.sample_data DIR``.

Fixed seeds and regions, so running it again gives byte-identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bansos_cli.sample.generate import generate
from bansos_cli.sample.period import generate_period_pair, write_period_pair
from bansos_cli.sample.recon import generate_reconciliation_pair, write_reconciliation_pair
from bansos_cli.sample.writers import write_sample

SIKS_NG_REGION = "320105"
"""Kecamatan Babakan Madang, Kabupaten Bogor."""
BLT_DD_REGION = "320105"
RECON_REGION = "320105"
KELUARGA_REGION = "3201052001"
"""Desa Cijayanti, Kecamatan Babakan Madang: a village family list."""


def build(directory: str | Path) -> list[Path]:
    """Write every sample file into ``directory``; returns the written paths."""
    out = Path(directory)
    written: list[Path] = []
    siks = generate(3000, 20250701, layout="siks_ng", region=SIKS_NG_REGION)
    written += write_sample(siks, out / "siks_ng_export.xlsx", out / "siks_ng_export.truth.parquet")
    blt = generate(250, 20250702, layout="blt_dd", region=BLT_DD_REGION)
    written += write_sample(blt, out / "blt_dd_desa.xlsx", out / "blt_dd_desa.truth.parquet")
    clean = generate(
        500, 20250703, layout="canonical", region=SIKS_NG_REGION, error_rate=0.0, duplicate_rate=0.0
    )
    written += write_sample(
        clean, out / "beneficiaries.parquet", out / "beneficiaries.truth.parquet"
    )
    written += write_sample(clean, out / "beneficiaries.csv")
    pair = generate_reconciliation_pair(1200, 20250704, region=RECON_REGION)
    written += write_reconciliation_pair(
        pair,
        out / "sk_penerima.xlsx",
        out / "laporan_penyaluran.xlsx",
        out / "rekonsiliasi.truth.parquet",
    )
    periods = generate_period_pair(1500, 20250706, region=RECON_REGION)
    written += write_period_pair(
        periods,
        out / "periode_lama.xlsx",
        out / "periode_baru.xlsx",
        out / "periode.truth.parquet",
    )
    family = generate(800, 20250705, layout="keluarga", region=KELUARGA_REGION)
    written += write_sample(
        family, out / "daftar_keluarga.xlsx", out / "daftar_keluarga.truth.parquet"
    )
    return written


def main(argv: list[str]) -> int:
    target = argv[0] if argv else "sample_data"
    for path in build(target):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
