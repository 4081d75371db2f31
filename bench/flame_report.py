#!/usr/bin/env python3
"""What the flame graphs of bench/flame.sh show, in numbers: the edge's share of the sampled CPU, and the
frames that take the most samples.

Usage: bench/flame_report.py LABEL=FILE.collapsed ...   (collapsed stacks from bench/asprof_collapse.py or
bench/jfr_collapse.py)
Prints markdown: a table of the edge's share per scenario, then per scenario where its edge samples went,
the top frames by self samples (the leaf) and the top dev.ballast frames by inclusive samples (without what
a frame hands on: see HANDOFFS).

A sample is the edge's when its stack holds a frame of an EDGE_CLASSES class and, below the deepest such
frame, no HANDOFFS frame and no IDENTITY frame. The edge's routes and pipeline handlers call the rest of the
request from inside their own frames (ctx.next(), fireChannelRead): "an edge frame anywhere on the stack"
holds nearly every request sample, and is printed only to show that. The rate limiter asks for the caller
first, so the request's security identity is resolved under its frames; every endpoint that reads CurrentUser
asks for the same (memoized) identity and would resolve it otherwise: that work is printed apart. Work the
edge causes outside its frames (Netty dropping cancelled deadline timers from its queue, Vert.x calling end
handlers) is not counted: timers outside any edge frame took about 1 % of the samples in a short run.
"""
import sys
from collections import Counter

# The edge of issue 17: admission (with its adaptive limit), the event-loop lag probe, the rate limiter, the
# connection limits, and the address and proxy checks they use. A class's inner classes, lambdas and
# Quarkus-generated companions (RateLimitFilter$GeneratedServerRequestFilter$limit, AdmissionControl_ClientProxy)
# count as the class.
EDGE_CLASSES = (
    "dev.ballast.protection.AdmissionControl",
    "dev.ballast.protection.AdmissionLimit",
    "dev.ballast.protection.EventLoopLag",
    "dev.ballast.protection.RateLimitFilter",
    "dev.ballast.protection.RateLimiter",
    "dev.ballast.protection.ConnectionLimits",
    "dev.ballast.protection.ClientAddress",
    "dev.ballast.protection.TrustedProxies",
    "dev.ballast.protection.PasswordRequests",
)
# Where the edge hands the request on to the rest of the service: what runs below them is not the edge's.
HANDOFFS = (
    "io.vertx.ext.web.impl.RoutingContextImpl.next",
    "io.netty.channel.AbstractChannelHandlerContext.fireChannelRead",
)
# Resolving the caller: the first subscription to the request's deferred identity (CurrentUser:
# getDeferredIdentity(), memoized: the token check and the identity's augmentation), or a token recognized at
# once from the verified tokens kept (CurrentUser.recognizedId, memoized for the request).
IDENTITY = ("io.smallrye.mutiny.operators.uni.UniMemoizeOp.subscribe", "dev.ballast.auth.CurrentUser.recognizedId")
EVENT_LOOP = "vert.x-eventloop-thread-"
TOP = 15


def edge_class(frame):
    """The EDGE_CLASSES entry a frame ("package.Class.method") belongs to, or None."""
    type_name = frame.rsplit(".", 1)[0]
    for name in EDGE_CLASSES:
        if type_name == name or type_name.startswith((name + "$", name + "_")):
            return name
    return None


def read(path):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            stack, count = line.rstrip("\n").rsplit(" ", 1)
            yield stack.split(";"), int(count)


def analyse(path):
    totals = Counter()       # all, event loop, on stack, identity, edge, edge on the event loop
    edge_by_class = Counter()
    edge_calls = Counter()   # the deepest edge frame and what it called
    self_frames = Counter()
    ballast_frames = Counter()
    for frames, count in read(path):
        thread, methods = frames[0], frames[1:]
        on_event_loop = thread.startswith(EVENT_LOOP)
        totals["all"] += count
        totals["event loop"] += count * on_event_loop
        self_frames[methods[-1] if methods else thread] += count
        # A frame that handed the request on holds it all (the edge's routes sit at the root of every request):
        # only the frames below the last hand-off count.
        handed_on = max((i for i, method in enumerate(methods) if method in HANDOFFS), default=-1)
        for method in set(methods[handed_on + 1:]):
            if method.startswith("dev.ballast."):
                ballast_frames[method] += count
        deepest = max((i for i, method in enumerate(methods) if edge_class(method)), default=None)
        if deepest is None:
            continue
        totals["on stack"] += count
        below = methods[deepest + 1:]
        if any(method in HANDOFFS for method in below):
            continue
        if any(method in IDENTITY for method in below):
            totals["identity"] += count
            continue
        totals["edge"] += count
        totals["edge, event loop"] += count * on_event_loop
        edge_by_class[edge_class(methods[deepest])] += count
        edge_calls[methods[deepest] + " → " + (below[0] if below else "(self)")] += count
    return totals, edge_by_class, edge_calls, self_frames, ballast_frames


def percent(part, whole):
    return f"{100 * part / whole:.1f} %" if whole else "-"


def short(name):
    return name.replace("dev.ballast.", "")


def main():
    runs = [(label, analyse(path)) for label, path in (arg.split("=", 1) for arg in sys.argv[1:])]
    print("| scenario | samples | on event loops | edge, of all | edge, of event loops | identity under the edge "
          "| any edge frame on the stack |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, (totals, *_) in runs:
        whole = totals["all"]
        print(f"| {label} | {whole} | {percent(totals['event loop'], whole)} | {percent(totals['edge'], whole)} "
              f"| {percent(totals['edge, event loop'], totals['event loop'])} | {percent(totals['identity'], whole)} "
              f"| {percent(totals['on stack'], whole)} |")
    for label, (totals, edge_by_class, edge_calls, self_frames, ballast_frames) in runs:
        whole = totals["all"]
        print(f"\n## {label}\n")
        print("edge by class: " + (", ".join(f"{short(name)} {percent(count, whole)}"
                                             for name, count in edge_by_class.most_common()) or "none"))
        for title, counter in (("edge samples: the deepest edge frame → what it called", edge_calls),
                               ("self (leaf frames)", self_frames),
                               ("dev.ballast frames, inclusive, without what they hand on", ballast_frames)):
            print(f"\n{title}, % of all samples:\n")
            for name, count in counter.most_common(TOP):
                print(f"    {100 * count / whole:5.1f}  {name}")


if __name__ == "__main__":
    main()
