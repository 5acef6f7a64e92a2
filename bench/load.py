"""The load generator, run as its own process: `python -m bench.load append|feed …`, prints JSON figures.

Its HTTP/1.1 is a few lines over asyncio streams rather than httpx: httpx spends about 2 ms of CPU
per request, so on two cores it, not the tracker, set the rate (at most ~350 requests/s against a
server that answered at once); this client spends about 0.2 ms."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

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
        http = await Connection.open(url, headers)
        try:
            for i in range(warmup):
                await http.request("POST", f"/api/v1/acties/{mine[i % len(mine)]}/updates", update_body(i))
            await barrier.wait()
            i = warmup
            while state["issued"] < count and time.perf_counter() < state["deadline"]:
                state["issued"] += 1
                path, body = f"/api/v1/acties/{mine[i % len(mine)]}/updates", update_body(i)
                before = time.perf_counter()
                status, _ = await http.request("POST", path, body)
                latencies.append((time.perf_counter() - before) * 1000)
                if status != 201:
                    errors[str(status)] = errors.get(str(status), 0) + 1
                i += 1
        finally:
            http.close()

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
    http = await Connection.open(url, {"Authorization": f"Bearer {token}"})
    try:
        await http.request("GET", "/api/v1/events?" + urlencode({"after": 0, "limit": page}))
        start = time.perf_counter()
        while events < count and time.perf_counter() - start < seconds:
            before = time.perf_counter()
            path = "/api/v1/events?" + urlencode({"after": after, "limit": page})
            status, raw = await http.request("GET", path)
            latencies.append((time.perf_counter() - before) * 1000)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1
                break
            body = orjson.loads(raw)
            events += len(body["events"])
            after = body["last_position"] if body["events"] else 0
        elapsed = time.perf_counter() - start
    finally:
        http.close()
    return {"ops": events, "seconds": elapsed, "latencies_ms": latencies, "errors": errors}


class Connection:
    """One keep-alive HTTP/1.1 connection: a request, and its answer read by its Content-Length."""

    def __init__(self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.host, self.reader, self.writer = host, reader, writer
        self.headers = b""

    @classmethod
    async def open(cls, url: str, headers: dict[str, str]) -> Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        connection = cls(parts.netloc, reader, writer)
        connection.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
        return connection

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = b"" if body is None else orjson.dumps(body)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(payload)}\r\n"
        content_type = b"Content-Type: application/json\r\n" if body is not None else b""
        self.writer.write(head.encode() + content_type + self.headers + b"\r\n" + payload)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


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
