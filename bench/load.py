"""The load generator, run as its own process: `python -m bench.load append|feed …`, prints JSON figures."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import httpx

from bench.tracker_db import update_body


async def append(
    url: str, token: str, acties: list[str], clients: int, count: int, seconds: float, warmup: int
) -> dict[str, Any]:
    """`clients` keep-alive connections, each posting to its own share of the acties (no conflicts)."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}"}
    state = {"issued": 0, "deadline": 0.0}

    async def client(worker: int) -> None:
        mine = acties[worker::clients]
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0) as http:
            for i in range(warmup):
                await http.post(f"/api/v1/acties/{mine[i % len(mine)]}/updates", json=update_body(i))
            await barrier.wait()
            i = warmup
            while state["issued"] < count and time.perf_counter() < state["deadline"]:
                state["issued"] += 1
                before = time.perf_counter()
                response = await http.post(
                    f"/api/v1/acties/{mine[i % len(mine)]}/updates", json=update_body(i)
                )
                latencies.append((time.perf_counter() - before) * 1000)
                if response.status_code != 201:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                i += 1

    barrier = _Barrier(clients, lambda: state.update(deadline=time.perf_counter() + seconds))
    start = 0.0

    async def started() -> None:
        nonlocal start
        await barrier.wait()
        start = time.perf_counter()

    await asyncio.gather(started(), *(client(w) for w in range(clients)))
    return {
        "ops": len(latencies),
        "seconds": time.perf_counter() - start,
        "latencies_ms": latencies,
        "errors": errors,
    }


async def feed(url: str, token: str, count: int, seconds: float, page: int) -> dict[str, Any]:
    """Read the whole log in pages over and over, one keep-alive connection, until the budget is spent."""
    latencies: list[float] = []
    events, after = 0, 0
    errors: dict[str, int] = {}
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
    ) as http:
        await http.get("/api/v1/events", params={"after": 0, "limit": page})
        start = time.perf_counter()
        while events < count and time.perf_counter() - start < seconds:
            before = time.perf_counter()
            response = await http.get("/api/v1/events", params={"after": after, "limit": page})
            latencies.append((time.perf_counter() - before) * 1000)
            if response.status_code != 200:
                errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                break
            body = response.json()
            events += len(body["events"])
            after = body["last_position"] if body["events"] else 0
        elapsed = time.perf_counter() - start
    return {"ops": events, "seconds": elapsed, "latencies_ms": latencies, "errors": errors}


class _Barrier:
    """All clients start the clock together, once every one has finished its warm-up."""

    def __init__(self, parties: int, action: Any) -> None:
        self.parties, self.action, self.arrived = parties + 1, action, 0
        self.event = asyncio.Event()

    async def wait(self) -> None:
        self.arrived += 1
        if self.arrived == self.parties:
            self.action()
            self.event.set()
        await self.event.wait()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("mode", choices=["append", "feed"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--acties", default="")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--page", type=int, default=1000)
    args = parser.parse_args(argv)
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("load goes only to a tracker on 127.0.0.1")
    if args.mode == "append":
        acties = args.acties.split(",")
        figures = asyncio.run(
            append(args.url, args.token, acties, args.clients, args.count, args.seconds, args.warmup)
        )
    else:
        figures = asyncio.run(feed(args.url, args.token, args.count, args.seconds, args.page))
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
