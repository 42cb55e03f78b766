"""Keys found several times: paid twice, split into several transfers, or undecidable.

A key on both sides that is not one-to-one forms a *group*; no pair is guessed inside it and
every row is listed. The group's role says what happened:

- one left row (the decree entry) and several right rows (transfers) of the same person:
  ``PAID_TWICE`` when the transfers add up to more than the left amount (beyond its
  tolerance), ``SPLIT`` when they add up to it (within the tolerance), ``SPLIT_SHORT`` when
  they add up to less;
- anything else is ``AMBIGUOUS``: several left rows (which decree entry was paid?), an amount
  that cannot be read, no amount column, a transfer under another person's name (a shared or
  mistyped NIK: whose money is it?), and every group in the period mode.

The rupiah effect of the group (right minus left over the key) is kept on each of its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bansos_cli.core.vocabulary import LEFT, NAME_STATUS, RIGHT, sided
from bansos_cli.reconcile import match
from bansos_cli.reconcile.compare import AMOUNT_LEFT, AMOUNT_RIGHT, compare_pairs
from bansos_cli.reconcile.model import (
    AMBIGUOUS_ROLE,
    LEFT_ONLY_ROLE,
    NAME_DIFFERENT,
    PAID_TWICE,
    RIGHT_ONLY_ROLE,
    SPLIT,
    SPLIT_SHORT,
    ReconcileOptions,
)
from bansos_cli.reconcile.tolerance import Tolerance

ROLE = "_role"
GROUP_DIFF = "_gdiff"


@dataclass
class GroupRoles:
    """Per row of each side (input order): its role when it is in no pair, and the rupiah
    effect of its group (null outside groups or without an amount column)."""

    left_role: pl.Series
    right_role: pl.Series
    left_difference: pl.Series
    right_difference: pl.Series


def _side(status: pl.DataFrame, view: pl.DataFrame, rp: str | None) -> pl.DataFrame:
    amounts = view[rp] if rp else pl.Series([None] * status.height, dtype=pl.Int64)
    return pl.DataFrame(
        [status[match.IDX], status[match.KEY], status[match.STATUS], amounts.alias("_rp")]
    ).filter(pl.col(match.STATUS) == match.AMBIGUOUS)


def _names_differ(
    left: pl.DataFrame,
    right: pl.DataFrame,
    left_view: pl.DataFrame,
    right_view: pl.DataFrame,
    options: ReconcileOptions,
) -> pl.DataFrame:
    """Keys of one-left-row groups in which a right row's name is another person's."""
    name = options.name
    if name is None or name in options.keys:
        return pl.DataFrame(schema={match.KEY: pl.String})
    links = left.select(match.KEY, pl.col(match.IDX).alias("_l")).join(
        right.select(match.KEY, pl.col(match.IDX).alias("_r")), on=match.KEY
    )
    if links.is_empty():
        return pl.DataFrame(schema={match.KEY: pl.String})
    pairs = pl.DataFrame(
        [
            left_view[sided(name, LEFT)].gather(links["_l"]),
            right_view[sided(name, RIGHT)].gather(links["_r"]),
        ]
    )
    names = compare_pairs(pairs, [name], options).frame[NAME_STATUS]
    return links.filter(names == NAME_DIFFERENT).select(match.KEY).unique()


def group_roles(
    exact: match.ExactMatch,
    left_view: pl.DataFrame,
    right_view: pl.DataFrame,
    options: ReconcileOptions,
) -> GroupRoles:
    """The role of every row that is in no pair (``options`` is the effective one: ``amount``
    and ``name`` are None when the lists lack them)."""
    amount = options.amount
    left = _side(exact.left, left_view, AMOUNT_LEFT if amount else None)
    right = _side(exact.right, right_view, AMOUNT_RIGHT if amount else None)
    per_key = (
        left.group_by(match.KEY)
        .agg(
            pl.len().alias("_nl"),
            pl.col("_rp").sum().alias("_rpl"),
            pl.col("_rp").null_count().alias("_unread_l"),
        )
        .join(
            right.group_by(match.KEY).agg(
                pl.len().alias("_nr"),
                pl.col("_rp").sum().alias("_rpr"),
                pl.col("_rp").null_count().alias("_unread_r"),
            ),
            on=match.KEY,
        )
    )
    one_left = per_key.filter(pl.col("_nl") == 1).select(match.KEY)
    differ = _names_differ(
        left.join(one_left, on=match.KEY, how="semi"),
        right.join(one_left, on=match.KEY, how="semi"),
        left_view,
        right_view,
        options,
    )
    tolerance = options.tolerances().get(amount or "", Tolerance())
    difference = pl.col("_rpr") - pl.col("_rpl")
    decidable = (
        pl.lit(not options.period and amount is not None)
        & (pl.col("_nl") == 1)
        & (pl.col("_unread_l") == 0)
        & (pl.col("_unread_r") == 0)
        & ~pl.col(match.KEY).is_in(differ[match.KEY].implode())
    )
    role = (
        pl.when(~decidable)
        .then(pl.lit(AMBIGUOUS_ROLE))
        .when(tolerance.allows(difference, pl.col("_rpl")))
        .then(pl.lit(SPLIT))
        .when(difference > 0)
        .then(pl.lit(PAID_TWICE))
        .otherwise(pl.lit(SPLIT_SHORT))
        .cast(pl.Int8)
    )
    effect = (
        (pl.col("_rpr").fill_null(0) - pl.col("_rpl").fill_null(0))
        if amount
        else pl.lit(None, dtype=pl.Int64)
    )
    decided = per_key.select(match.KEY, role.alias(ROLE), effect.cast(pl.Int64).alias(GROUP_DIFF))

    def spread(status: pl.DataFrame, only: int) -> tuple[pl.Series, pl.Series]:
        # most rows are in no group: start from "only on this side" and fill in the groups
        grouped = (
            status.filter(pl.col(match.STATUS) == match.AMBIGUOUS)
            .select(match.IDX, match.KEY)
            .join(decided, on=match.KEY, how="left")
        )
        roles = pl.Series(ROLE, np.full(status.height, only, dtype=np.int8))
        effects = pl.repeat(None, status.height, dtype=pl.Int64, eager=True).alias(GROUP_DIFF)
        if grouped.height:
            roles = roles.scatter(grouped[match.IDX], grouped[ROLE])
            effects = effects.scatter(grouped[match.IDX], grouped[GROUP_DIFF])
        return roles, effects

    left_role, left_difference = spread(exact.left, LEFT_ONLY_ROLE)
    right_role, right_difference = spread(exact.right, RIGHT_ONLY_ROLE)
    return GroupRoles(left_role, right_role, left_difference, right_difference)
