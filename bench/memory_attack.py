#!/usr/bin/env python3
"""One client against a replica's heap (bench/memory.sh runs it).

  write: as one new account, writes large articles (CJK bodies) and long comments on some of them; prints what the
         writes answered and saves the slugs (slugs.txt) and the wrk data files into --out.
  watch: for --seconds, a reader beside the attack (from 127.0.0.2: loopback is a whole /8, so its per-address
         budget is its own) asks for an ordinary page at a fixed rate, latency measured from each request's
         intended send time; readiness is asked every second. Prints both as one JSON line.
"""
import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse

CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2000))


def connection(base, source):
    url = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(source, 0))


def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Token " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, response.getheader("Retry-After")


def write_call(conn, method, path, body, token=None):
    """A write, sent again after Retry-After while the service answers 429 (the writer keeps to its budget)."""
    while True:
        status, data, retry_after = call(conn, method, path, body, token)
        if status != 429:
            return status, data
        time.sleep(float(retry_after or 1))


def text(chars, seed):
    rng = random.Random(seed)
    return "".join(rng.choice(CJK) for _ in range(chars))


def write(args):
    conn = connection(args.base, "127.0.0.1")
    name = "attacker%d" % int(time.time())
    status, data = write_call(conn, "POST", "/api/users", {"user": {"username": name, "email": name + "@example.com",
                                                               "password": "attacker-password"}})
    token = json.loads(data)["user"]["token"]
    statuses, slugs = {}, []
    body = text(args.chars, 1)
    for i in range(args.articles):
        status, data = write_call(conn, "POST", "/api/articles", {"article": {
            "title": "Large %d %s" % (i, name), "description": "d", "body": body[i:] + body[:i], "tagList": []}}, token)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 201:
            slugs.append(json.loads(data)["article"]["slug"])
    comment = text(args.comment_chars, 2)
    comment_statuses = {}
    for slug in slugs[:args.commented]:
        for _ in range(args.comments):
            status, _ = write_call(conn, "POST", "/api/articles/%s/comments" % slug, {"comment": {"body": comment}}, token)
            comment_statuses[status] = comment_statuses.get(status, 0) + 1
    print(json.dumps({"written": {"articles": statuses, "comments": comment_statuses, "chars": args.chars,
                                  "comment_chars": args.comment_chars}}), flush=True)
    # What bench/wrk/scenario.lua reads: the slugs, and a token, user and tag it needs to start.
    files = {"slugs.txt": slugs, "tokens.txt": [token], "users.txt": [name + "@example.com"], "tags.txt": ["none"]}
    for file, lines in files.items():
        with open("%s/%s" % (args.out, file), "w") as out:
            out.write("\n".join(lines) + "\n")


def side_reader(args, stop, latencies, statuses):
    conn = connection(args.base, "127.0.0.2")
    interval = 1.0 / args.reader_rate
    next_send = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        if now < next_send:
            time.sleep(next_send - now)
        try:
            status, _, _ = call(conn, "GET", "/api/articles?limit=20")
        except Exception as error:
            status = type(error).__name__
            conn = connection(args.base, "127.0.0.2")
        latencies.append((time.monotonic() - next_send) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        next_send += interval


def readiness(args, stop, seen):
    while not stop.is_set():
        try:
            conn = connection(args.management, "127.0.0.3")
            status, _, _ = call(conn, "GET", "/q/health/ready")
            conn.close()
        except Exception as error:
            status = type(error).__name__
        seen[status] = seen.get(status, 0) + 1
        time.sleep(1)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["write", "watch"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--management", default="http://127.0.0.1:9000", help="the management interface (readiness)")
    parser.add_argument("--out", default="bench/out/memory")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--commented", type=int, default=2, help="articles that get long comments")
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--comment-chars", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--reader-rate", type=float, default=20.0)
    args = parser.parse_args()
    if args.mode == "write":
        write(args)
        return
    stop = threading.Event()
    latencies, reader_statuses, ready = [], {}, {}
    threads = [threading.Thread(target=side_reader, args=(args, stop, latencies, reader_statuses)),
               threading.Thread(target=readiness, args=(args, stop, ready))]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"seconds": args.seconds, "reader": {"statuses": {str(k): v for k, v in reader_statuses.items()}, "rate": args.reader_rate,
                                 "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
                                 "max_ms": max(latencies) if latencies else None},
                      "readiness": {str(k): v for k, v in ready.items()}}), flush=True)


if __name__ == "__main__":
    main()
