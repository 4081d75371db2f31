#!/usr/bin/env python3
"""Reads one fault run (requests.tsv, writes.tsv, events.tsv written by FaultLoad and faults.sh), checks the
database for every write, prints the figures, appends them to a JSON-lines summary and draws the PNG.

Checks: every write answered 2xx is in the database (an article with exactly the tags sent, the comment,
the favorite, the follow); nothing is half done (an article of this run whose tags differ from those sent,
a comment whose article is gone, an article whose favorites_count differs from its favorites rows).
Exits 1 when a write is lost or something is half done.

Usage: analyze.py RUN_DIR FAULT RUN_ID SUMMARY_JSONL PNG  (psql connection from PGHOST/PGPORT/PGDATABASE/PGUSER)
"""
import base64
import json
import subprocess
import sys
from collections import defaultdict

run_dir, fault, run_id, summary_path, png = sys.argv[1:6]


def psql(sql):
    out = subprocess.run(["psql", "-qtAX", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def read_tsv(name):
    with open(f"{run_dir}/{name}") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


requests = [(int(t), kind, int(status), int(latency)) for t, kind, status, latency in read_tsv("requests.tsv")]
writes = read_tsv("writes.tsv")
events = {name: int(value) for name, value in read_tsv("events.tsv")}
fault_start, fault_end = events["fault_start"], events["fault_end"]
t0 = min(r[0] for r in requests)
tokens = [line.strip() for line in open(f"{run_dir}/tokens.txt") if line.strip()]


def user_id(token_index):
    payload = tokens[int(token_index)].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


# --- the database against the writes -----------------------------------------------------------------------
articles = {title: (slug, set(filter(None, tags.split(",")))) for title, slug, tags in psql(
    f"select a.title, a.slug, coalesce(string_agg(t.name, ',' order by t.name), '') from articles a "
    f"left join article_tags at on at.article_id = a.id left join tags t on t.id = at.tag_id "
    f"where a.title like 'fault {run_id} %' group by a.id")}
comments = {body: cid for cid, body in psql(f"select id, body from comments where body like 'fault {run_id} %'")}
favorites = {(u, s) for u, s in psql("select f.user_id, a.slug from favorites f join articles a on a.id = f.article_id")}
follows = {(u, name) for u, name in psql("select f.follower_id, u.username from follows f join users u on u.id = f.followee_id")}

acknowledged = defaultdict(int)
lost = defaultdict(int)
unacknowledged_applied = defaultdict(int)
unacknowledged = defaultdict(int)
half_done = []
for t, kind, status, target, key, answer in (w + [""] * (6 - len(w)) for w in writes):
    ok = 200 <= int(status) < 300
    if kind == "create-article":
        present = target in articles
        if present and articles[target][1] != set(key.split("|")):
            half_done.append(f"article {target!r} has tags {sorted(articles[target][1])}, sent {key}")
    elif kind == "comment":
        present = target and key in comments
    elif kind == "favorite":
        present = (user_id(key), target) in favorites
    else:
        present = (user_id(key), target) in follows
    if ok:
        acknowledged[kind] += 1
        if not present:
            lost[kind] += 1
    else:
        unacknowledged[kind] += 1
        if present and kind in ("create-article", "comment"):
            unacknowledged_applied[kind] += 1

orphans = int(psql("select count(*) from comments c where not exists (select 1 from articles a where a.id = c.article_id)")[0][0])
counters_off = int(psql("select count(*) from articles a where favorites_count <> "
                        "(select count(*) from favorites f where f.article_id = a.id)")[0][0])

# --- time series ---------------------------------------------------------------------------------------------
seconds = defaultdict(lambda: defaultdict(int))
latencies = defaultdict(list)
for t, kind, status, latency in requests:
    s = (t - t0) // 1000
    cls = "2xx" if 200 <= status < 300 else "4xx" if 400 <= status < 500 else "503" if status == 503 else "5xx" if status >= 500 else "none"
    seconds[s][cls] += 1
    latencies[s].append(latency)
horizon = max(seconds) + 1
offered = len(requests) / horizon


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else 0


fs, fe = (fault_start - t0) / 1000, (fault_end - t0) / 1000
before = [seconds[s]["2xx"] for s in range(max(3, int(fs) - 7), int(fs))]  # the 7 s before the fault
baseline = sum(before) / max(1, len(before))
during = [r for r in requests if fault_start <= r[0] < fault_end]
served = sum(1 for r in during if 200 <= r[2] < 300) / max(1, len(during))
# Anonymous reads can be answered from the service's caches (until their TTL runs out); the rest needs the database.
CACHEABLE = {"list", "article", "comments", "tags"}


def served_share(rows):
    return round(sum(1 for r in rows if 200 <= r[2] < 300) / max(1, len(rows)), 3)


served_cacheable = served_share([r for r in during if r[1] in CACHEABLE])
served_db_bound = served_share([r for r in during if r[1] not in CACHEABLE])
# 503s answered in the 7 s before the fault: the service was not yet serving the offered rate (cold, or overloaded).
before_503 = sum(1 for r in requests if r[2] == 503 and fault_start - 7000 <= r[0] + r[3] < fault_start)
first_503 = min((r[0] + r[3] for r in requests if r[2] == 503 and r[0] + r[3] >= fault_start), default=None)
# Answers to requests sent during the fault that needed the database and were not served: how long they took.
refused = [r[3] for r in during if not 200 <= r[2] < 300]
recovered_at = None
for s in range(int(fe), horizon - 2):
    if all(seconds[x]["2xx"] >= 0.95 * baseline for x in (s, s + 1, s + 2)):
        recovered_at = s
        break
five_xx_outside = sum(1 for r in requests if r[2] >= 500 and r[2] != 503)
result = {
    "fault": fault, "run": run_id, "offered_rps": round(offered), "baseline_goodput_rps": round(baseline),
    "fault_seconds": round((fault_end - fault_start) / 1000, 1),
    "time_to_first_503_ms": None if first_503 is None else first_503 - fault_start,
    "served_during_fault": round(served, 3),
    "served_during_fault_cacheable_reads": served_cacheable, "served_during_fault_db_bound": served_db_bound,
    "unserved_during_fault_latency_p50_ms": pct(refused, 0.5),
    "503_before_fault": before_503, "warm_before_fault": baseline >= 0.95 * offered,
    "unserved_during_fault_latency_p99_ms": pct(refused, 0.99), "unserved_during_fault_latency_max_ms": max(refused, default=0),
    "time_to_full_goodput_after_s": None if recovered_at is None else round(recovered_at - fe, 1),
    "status_counts": {c: sum(seconds[s][c] for s in seconds) for c in ("2xx", "4xx", "503", "5xx", "none")},
    "acknowledged_writes": dict(acknowledged), "lost_writes": dict(lost),
    "unacknowledged_writes": dict(unacknowledged), "unacknowledged_but_applied": dict(unacknowledged_applied),
    "half_done": len(half_done), "orphan_comments": orphans, "favorite_counters_off": counters_off,
    "other_5xx": five_xx_outside,
}
print(json.dumps(result, indent=1))
for line in half_done[:10]:
    print("HALF DONE:", line)
with open(summary_path, "a") as f:
    f.write(json.dumps(result) + "\n")

# --- plot ----------------------------------------------------------------------------------------------------
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

xs = list(range(horizon))
fig, (ax1, ax2, ax3) = plt.subplots(3, 1, sharex=True, figsize=(9, 8))
ax1.plot(xs, [seconds[s]["2xx"] for s in xs], label="2xx/s (goodput)")
ax1.axhline(offered, color="grey", linestyle=":", label=f"offered {offered:.0f}/s")
ax1.set_ylabel("requests/s")
ax1.set_ylim(bottom=0)  # from zero: a dip of a few percent must not look like a collapse
ax1.legend(loc="lower left", fontsize=8)
ax2.plot(xs, [pct(latencies[s], 0.5) for s in xs], label="p50")
ax2.plot(xs, [pct(latencies[s], 0.99) for s in xs], label="p99")
ax2.plot(xs, [max(latencies[s], default=0) for s in xs], label="max", alpha=0.5)
ax2.set_yscale("symlog", linthresh=10)
ax2.set_ylabel("latency ms (from intended send)")
ax2.legend(loc="upper left", fontsize=8)
bottom = [0.0] * horizon
for cls, color in (("2xx", "tab:green"), ("4xx", "tab:blue"), ("503", "tab:orange"), ("5xx", "tab:red"), ("none", "black")):
    total = [max(1, sum(seconds[s].values())) for s in xs]
    share = [seconds[s][cls] / total[s] for s in xs]
    ax3.bar(xs, share, bottom=bottom, color=color, width=1.0, label=cls)
    bottom = [b + v for b, v in zip(bottom, share)]
ax3.set_ylabel("share of answers")
ax3.set_xlabel("seconds")
ax3.legend(loc="lower left", fontsize=8, ncol=5)
for ax in (ax1, ax2, ax3):
    ax.axvspan(fs, fe, color="red", alpha=0.1)
    ax.axvspan(0, max(0, fs - 7), color="grey", alpha=0.15)  # the load generator's own warm-up, not measured
ax1.text(max(0, fs - 7) / 2, ax1.get_ylim()[1] * 0.05, "warm-up", ha="center", fontsize=8)
ax1.text((fs + fe) / 2, ax1.get_ylim()[1] * 0.05, "fault", ha="center", fontsize=8)
# The run id in the title: two runs of one fault (e.g. a rerun with Postgres pinned) must not share a title.
fig.suptitle(f"ballast under fault: {fault}, run {run_id} (shaded), {offered:.0f} req/s offered"
             + ("" if baseline >= 0.95 * offered else f"; not warm before the fault: {baseline:.0f}/s served"))
fig.tight_layout()
fig.savefig(png, dpi=80)

sys.exit(1 if sum(lost.values()) or half_done or orphans or counters_off else 0)
