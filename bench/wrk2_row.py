#!/usr/bin/env python3
"""Turns one wrk2 run of bench/wrk/scenario.lua into a row of the open-model table.

Reads wrk2's output (with --latency) followed by one line "cpu USER SYS ELAPSED" from /usr/bin/time, and
prints tab-separated: offered/s, duration s, responses/s, 2xx/s (goodput), 429 share %, 503 share %,
other (non-2xx/429/503 statuses and socket errors), p50, p99, p99.9 (ms, from intended send times), and
the generator's CPU in % of one core.
Usage: wrk2_row.py OFFERED DURATION_S < output
"""
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def millis(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS[unit]


def main():
    offered, duration = float(sys.argv[1]), float(sys.argv[2])
    text = sys.stdin.read()
    statuses = {int(code): int(count) for code, count in re.findall(r"^status (\d+): (\d+)$", text, re.M)}
    errors = sum(int(n) for n in re.search(r"socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text).groups())
    percentiles = {p: millis(v) for p, v in re.findall(r"^\s+(50\.000|99\.000|99\.900)%\s+(\S+)\s*$", text, re.M)}
    user, system, elapsed = (float(x) for x in re.search(r"^cpu ([\d.]+) ([\d.]+) ([\d.]+)$", text, re.M).groups())
    total = sum(statuses.values())
    ok = sum(count for code, count in statuses.items() if 200 <= code < 300)
    other = total - ok - statuses.get(429, 0) - statuses.get(503, 0) + errors
    share = lambda code: 100.0 * statuses.get(code, 0) / total if total else 0.0
    print("\t".join([
        f"{offered:.0f}", f"{duration:.0f}", f"{total / duration:.0f}", f"{ok / duration:.0f}",
        f"{share(429):.1f}", f"{share(503):.1f}", str(other),
        f"{percentiles.get('50.000', float('nan')):.1f}", f"{percentiles.get('99.000', float('nan')):.1f}",
        f"{percentiles.get('99.900', float('nan')):.1f}", f"{100 * (user + system) / elapsed:.0f}"]))


if __name__ == "__main__":
    main()
