"""The bench's report: calls, statements, CPU time and storage, against their goals."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from brokers import run_retention
from brokers.models import SyncRun
from portfolio.bench.population import Bench, Sample
from portfolio.bench.storage import (
    STORAGE_GOAL,
    TABLES,
    bytes_per_row,
    runs_kept,
    trading_days_a_year,
)

STATEMENTS_GOAL = 20  # statements of a sync where nothing moved (issue 16)


def report(
    out: Callable[[str], object],
    bench: Bench,
    days: int,
    before: dict[Any, int],
    after: dict[Any, int],
    statements: list[tuple[int, str, int, int]],
    ids: list[int],
) -> None:
    """What the bench measured, written line by line with `out`."""
    samples = bench.samples
    count = len(bench.accounts)
    moved = sum(s.moved for s in samples) / len(samples)
    out(f"\nPopulation: {count} accounts, {days} simulated trading days ({len(samples)} syncs)")
    out(f"Account-days where positions or cash moved: {moved:.0%}\n")

    out("Upstream calls per account-day (floor: 1.00)")
    out(f"  {'broker':<18}{'accounts':>9}{'calls/day':>11}{'txn reads':>11}{'watchlist':>11}")
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.broker].append(sample)
        if sample.holdings >= 500:
            groups[f"{sample.broker} 500+ only"].append(sample)
    for name, group in sorted(groups.items()):
        n = len(group)
        out(
            f"  {name:<18}{n // days:>9}{sum(s.calls for s in group) / n:>11.2f}"
            f"{sum(s.read_transactions for s in group) / n:>10.0%}"
            f"{sum(s.read_watchlist for s in group) / n:>11.0%}"
        )
    everyone = sum(s.calls for s in samples) / len(samples)
    out(f"  {'all':<18}{count:>9}{everyone:>11.2f}")

    diamond = groups.get("diamond", [])
    if diamond:
        rate = sum(s.calls for s in diamond) / len(diamond)
        out(f"  diamond at most 1.5 calls per account-day: {'yes' if rate <= 1.5 else 'NO'}")

    out("\nDatabase statements per account sync (same day, same path)")
    for holdings, path, number, calls in statements:
        out(f"  {holdings:>4} holdings, {path:<16}{number:>4} statements ({calls} calls)")
    by_path: dict[str, set[int]] = defaultdict(set)
    for _holdings, path, number, _calls in statements:
        by_path[path].add(number)
    same = all(len(numbers) == 1 for numbers in by_path.values())
    out(f"  the same for few and for 500+ holdings: {'yes' if same else 'NO'}")
    idle = max(number for _h, path, number, _c in statements if path == "nothing moved")
    out(
        f"  at most {STATEMENTS_GOAL} statements where nothing moved: "
        f"{'yes' if idle <= STATEMENTS_GOAL else 'NO'}"
    )

    out("\nSync CPU time in this process per account sync (median, max)")
    for name, group in sorted(groups.items()):
        cpu = [s.cpu * 1000 for s in group]
        out(f"  {name:<18}{statistics.median(cpu):>8.1f} ms{max(cpu):>9.1f} ms")

    out(
        "\nStorage per account-year (row-size estimates: pg_column_size of the stored rows"
        "\n+ tuple header and line pointer + one entry per index; rows a day adds, measured,"
        f"\ntimes {trading_days_a_year()} KRX trading days a year; tables rewritten in place"
        " add none)"
    )
    total = 0.0
    year_days = trading_days_a_year()
    for model in TABLES:
        added = (after[model] - before.get(model, 0)) / (count * days)
        size = bytes_per_row(model, ids) if after[model] else 0.0
        if model is SyncRun:
            kept = runs_kept(ids, added, year_days)
            yearly = kept * size
            total += yearly
            out(
                f"  {model._meta.db_table:<28}{added:>7.3f} rows/day{size:>8.0f} B/row"
                f"{yearly / 1024:>9.1f} KiB (kept: {kept:.1f} rows, see below)"
            )
            continue
        yearly = added * size * year_days
        total += yearly
        out(
            f"  {model._meta.db_table:<28}{added:>7.3f} rows/day{size:>8.0f} B/row"
            f"{yearly / 1024:>9.1f} KiB/year"
        )
    out(f"  {'total':<28}{'':>25}{total / 1024:>9.1f} KiB/year per account")
    verdict = "yes" if total <= STORAGE_GOAL else "NO"
    out(f"  at most {STORAGE_GOAL // 1024} KiB per account-year: {verdict}")
    out(
        "\n  Sync runs are pruned daily (brokers.run_retention): failures kept"
        f" {run_retention.FAILED_DAYS} days; of the other runs, the newest"
        f"\n  {run_retention.KEEP_FINISHED} per account, every run of the last"
        f" {run_retention.RECENT_DAYS} days and the newest of each trigger. They are"
        "\n  counted as the rows an account keeps at steady state (the runs a year adds are"
        "\n  deleted as they age), from the rates measured here, and that stock is charged in"
        "\n  full to every account-year (an account's first year keeps fewer)."
    )
