#!/usr/bin/env python3
"""Rewrites async-profiler's collapsed stacks (`asprof stop -t -o collapsed`) in the form bench/jfr_collapse.py
writes: the root frame the sampled thread's name with its trailing number replaced by '*'
("vert.x-eventloop-thread-*"), Java frames "package.Class.method", a lambda's class without the number of one
run ("Foo$$Lambda"), so that bench/flame_report.py reads both, and two runs can be compared. Native and kernel
frames ("writev", "tcp_sendmsg_[k]") are kept as they are: async-profiler samples the CPU, not only Java code.

Usage: bench/asprof_collapse.py < asprof.collapsed > app.collapsed
"""
import re
import sys
from collections import Counter

THREAD = re.compile(r"^\[(.*?)(?: tid=\d+)?\]$")
THREAD_NUMBER = re.compile(r"\d+$")
LAMBDA_NUMBER = re.compile(r"\$\$Lambda\$\d+\.0x[0-9a-f]+")


def frame_name(frame):
    if frame.endswith("_[j]") or frame.endswith("_[i]"):  # compiled or inlined Java frames, when annotated
        frame = frame[:-4]
    if "/" in frame and not frame.endswith("_[k]"):
        frame = LAMBDA_NUMBER.sub("$$Lambda", frame.replace("/", "."))
    return frame


def main():
    stacks = Counter()
    for line in sys.stdin:
        stack, count = line.rstrip("\n").rsplit(" ", 1)
        frames = stack.split(";")
        thread = THREAD.match(frames[0])
        root = THREAD_NUMBER.sub("*", thread.group(1)) if thread else "(no thread)"
        methods = frames[1:] if thread else frames
        stacks[";".join([root] + [frame_name(frame) for frame in methods])] += int(count)
    for stack, count in sorted(stacks.items()):
        print(stack, count)


if __name__ == "__main__":
    main()
