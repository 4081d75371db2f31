#!/usr/bin/env python3
"""Seeds a ballast instance through its public API, as clients would.

Creates 100 users, 1,000 articles with 1 to 3 tags out of 30, 5,000 comments, 2,000 favorites and
300 follows (counts can be changed with flags), then writes what the wrk scenarios need into OUT:
tokens.txt (one JWT per line), slugs.txt, tags.txt, users.txt (email per line; password is fixed).

Usage: bench/seed.py --api http://127.0.0.1:8080/api --out bench/out
The service must allow that many requests: run it with high RATE_LIMIT_* values.
"""
import argparse
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

PASSWORD = "bench-password"


def call(api, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Token " + token)
    for attempt in range(10):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            # A busy (cold, or one-core) service refuses at its edge with 503 + Retry-After before doing anything.
            if e.code == 503 and attempt < 9:
                time.sleep(float(e.headers.get("Retry-After", "1")))
                continue
            raise SystemExit(f"{method} {path} failed: {e.code} {e.read()[:200]!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default="http://127.0.0.1:8080/api")
    parser.add_argument("--out", default="bench/out")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--favorites", type=int, default=2000)
    parser.add_argument("--follows", type=int, default=300)
    parser.add_argument("--tags", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    run = rng.randrange(1 << 30)
    os.makedirs(args.out, exist_ok=True)
    pool = ThreadPoolExecutor(args.threads)

    def register(i):
        name = f"bench{run}u{i}"
        user = call(args.api, "POST", "/users",
                    {"user": {"username": name, "email": name + "@example.com", "password": PASSWORD}})["user"]
        return user["username"], user["email"], user["token"]

    users = list(pool.map(register, range(args.users)))
    tags = [f"tag{t}" for t in range(args.tags)]

    def write_article(i):
        _, _, token = users[i % len(users)]
        article = {"title": f"Bench article {i} {rng.randrange(1 << 20)}", "description": f"Description {i}",
                   "body": ("Lorem ipsum dolor sit amet. " * 20).strip(),
                   "tagList": rng.sample(tags, rng.randint(1, 3))}
        return call(args.api, "POST", "/articles", {"article": article}, token)["article"]["slug"]

    slugs = list(pool.map(write_article, range(args.articles)))

    def comment(i):
        _, _, token = users[rng.randrange(len(users))]
        call(args.api, "POST", f"/articles/{slugs[rng.randrange(len(slugs))]}/comments",
             {"comment": {"body": f"Comment {i}: well written."}}, token)

    list(pool.map(comment, range(args.comments)))

    pairs = set()
    while len(pairs) < args.favorites:
        pairs.add((rng.randrange(len(users)), rng.randrange(len(slugs))))
    list(pool.map(lambda p: call(args.api, "POST", f"/articles/{slugs[p[1]]}/favorite", None, users[p[0]][2]), pairs))

    follows = set()
    while len(follows) < args.follows:
        a, b = rng.randrange(len(users)), rng.randrange(len(users))
        if a != b:
            follows.add((a, b))
    list(pool.map(lambda p: call(args.api, "POST", f"/profiles/{users[p[1]][0]}/follow", None, users[p[0]][2]), follows))

    for name, rows in (("tokens.txt", [u[2] for u in users]), ("users.txt", [u[1] for u in users]),
                       ("slugs.txt", slugs), ("tags.txt", tags)):
        with open(os.path.join(args.out, name), "w") as f:
            f.write("\n".join(rows) + "\n")
    print(f"seeded {len(users)} users, {len(slugs)} articles, {args.comments} comments, "
          f"{len(pairs)} favorites, {len(follows)} follows into {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
