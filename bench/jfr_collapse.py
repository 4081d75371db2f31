#!/usr/bin/env python3
"""Folds JFR execution samples into collapsed stacks (Brendan Gregg's format, the input of flamegraph.pl).

Reads the output of `jfr print --json --events jdk.ExecutionSample --stack-depth 2048 FILE.jfr` from a file
or from standard input and writes one line per distinct stack: its frames from the root to the leaf joined
by ';', a space, and how many samples had it. The root frame is the sampled thread's name with its trailing
number replaced by '*' ("vert.x-eventloop-thread-*", "executor-thread-*", "password-hasher-*"), so that the
threads of one kind share one tower. Frames read "package.Class.method".

Usage: jfr print --json --events jdk.ExecutionSample --stack-depth 2048 app.jfr | bench/jfr_collapse.py > app.collapsed
The JSON is read one event at a time: it is about half a megabyte per sample (every frame spells out its
class loader, package and module), so a recording of a minute under load prints gigabytes.
"""
import argparse
import json
import re
import sys
from collections import Counter

CHUNK = 1 << 22
EVENTS = '"events": ['
BETWEEN_EVENTS = re.compile(r"[\s,]*")
THREAD_NUMBER = re.compile(r"\d+$")
# A lambda's class is named after one run ("Foo$$Lambda$412+0x00007f94f81f0700/378814088"): without that
# part, lambdas share one frame however many times they were spun, and two runs can be compared (difffolded.pl).
LAMBDA_NUMBER = re.compile(r"\$\$Lambda\$\d+\+0x[0-9a-f]+/\d+")


def events(stream):
    """Yields the events of the recording one at a time, never holding more than a few chunks of the text."""
    decoder = json.JSONDecoder()
    buffer = ""
    while EVENTS not in buffer:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        buffer += chunk
    position = buffer.index(EVENTS) + len(EVENTS)
    while True:
        position = BETWEEN_EVENTS.match(buffer, position).end()
        if position < len(buffer) and buffer[position] == "]":
            return
        try:
            event, position = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError:
            # The event runs past the end of what was read so far (or the text ended before its list did).
            chunk = stream.read(CHUNK)
            if not chunk:
                raise
            buffer = buffer[position:] + chunk
            position = 0
            continue
        yield event
        if position > CHUNK:
            buffer = buffer[position:]
            position = 0


def frame_name(frame):
    method = frame["method"]
    type_name = LAMBDA_NUMBER.sub("$$Lambda", method["type"]["name"])
    return type_name.replace("/", ".") + "." + method["name"]


def collapse(stream):
    """Returns the count of each collapsed stack and how many samples had a truncated stack."""
    stacks = Counter()
    truncated = 0
    for event in events(stream):
        values = event["values"]
        thread = values["sampledThread"]
        thread_name = THREAD_NUMBER.sub("*", thread["javaName"] or thread["osName"])
        trace = values["stackTrace"]
        truncated += trace["truncated"]
        # JFR lists a stack from its leaf; collapsed stacks go from the root.
        frames = [thread_name] + [frame_name(frame) for frame in reversed(trace["frames"])]
        stacks[";".join(frames)] += 1
    return stacks, truncated


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", default="-", help="output of jfr print --json (default: standard input)")
    args = parser.parse_args()
    stream = sys.stdin if args.json == "-" else open(args.json, encoding="utf-8")
    stacks, truncated = collapse(stream)
    for stack, count in sorted(stacks.items()):
        print(stack, count)
    samples = sum(stacks.values())
    print(f"jfr_collapse: {samples} samples, {len(stacks)} distinct stacks", file=sys.stderr)
    if truncated:
        # The root side of a truncated stack is missing: its thread tower is wrong and an edge frame may be lost.
        print(f"jfr_collapse: {truncated} stacks truncated: raise the JVM's -XX:FlightRecorderOptions:stackdepth "
              "and jfr print's --stack-depth", file=sys.stderr)


if __name__ == "__main__":
    main()
