#!/usr/bin/env python3
"""The table of bench/compare.sh from its runs (TSV: round, build, scenario, goodput_per_s, not_2xx, p99_ms, ...).

Per scenario: the median goodput (2xx/s) of old and of new, the ratio new/old of each round (old and new of the
same round and scenario ran seconds apart) as median and min-max, the A/A ratios of the old build, its later
rounds over its earlier ones (every pair), as median and min-max: how far one build moves from itself; then the
p99 of each build (median over rounds, and the worst) and the answers that were not 2xx.
Usage: bench/compare_stats.py RUNS.tsv
"""
import csv
import itertools
import statistics
import sys


def spread(ratios):
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def tail(p99s):
    return f"{statistics.median(p99s):.1f} ({max(p99s):.1f})"


def main(path):
    rates, failed, p99s, scenarios = {}, {}, {}, []
    with open(path, newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            scenario = row["scenario"]
            if scenario not in scenarios:
                scenarios.append(scenario)
            rates.setdefault((scenario, row["build"]), {})[int(row["round"])] = float(row["goodput_per_s"] or 0)
            p99s.setdefault((scenario, row["build"]), []).append(float(row["p99_ms"] or "nan"))
            failed[(scenario, row["build"])] = failed.get((scenario, row["build"]), 0) + int(row["not_2xx"])
    print("| goodput (2xx/s) | old (median) | new (median) | new/old: median (min-max) | old/old A/A: median (min-max) "
          "| p99 ms old: median (max) | p99 ms new: median (max) | not 2xx old/new |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for scenario in scenarios:
        old, new = rates[(scenario, "old")], rates[(scenario, "new")]
        rounds = sorted(set(old) & set(new))
        ratios = [new[r] / old[r] for r in rounds if old[r] > 0]
        same = [old[b] / old[a] for a, b in itertools.combinations(sorted(old), 2) if old[a] > 0]
        print(f"| {scenario} | {statistics.median(old.values()):,.0f} | {statistics.median(new.values()):,.0f} "
              f"| {spread(ratios) if ratios else '-'} | {spread(same) if same else '-'} "
              f"| {tail(p99s[(scenario, 'old')])} | {tail(p99s[(scenario, 'new')])} "
              f"| {failed[(scenario, 'old')]}/{failed[(scenario, 'new')]} |")


if __name__ == "__main__":
    main(sys.argv[1])
