"""Requests per second of the web app (``orevalue serve``), printed as a table.

Run on demand:  python benchmarks/bench_web.py [--clients 4] [--requests 200] [--seconds 30]
A fresh server (uvicorn, SQLite in a temporary folder) on a free loopback port; N clients in
threads send at most ``--requests`` requests per row and stop after ``--seconds`` whatever
the count. Rows: the run page of a done run (HTML, cached after the first view) and the
API's evaluate endpoint on the default case (an evaluation and a stored run per request).
Loopback only; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(
    send: Callable[[httpx.Client], httpx.Response], base: str, clients: int, count: int,
    seconds: float,
) -> tuple[int, float, list[float], int]:  # fmt: skip
    """Send ``count`` requests from ``clients`` threads (stopping at ``seconds``): how many
    were done, the wall time, each latency (s) and how many were not 2xx."""
    lock, sent, latencies, bad = threading.Lock(), [0], [], [0]
    end = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while time.monotonic() < end:
                with lock:
                    if sent[0] >= count:
                        return
                    sent[0] += 1
                start = time.perf_counter()
                response = send(client)
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    bad[0] += not response.is_success

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), time.perf_counter() - start, latencies, bad[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="at most, per row")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most, per row")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        command = [sys.executable, "-m", "orevalue", "serve", "--port", str(port), "--db", str(db)]
        env = {k: v for k, v in os.environ.items() if k != "OREVALUE_TOKEN"}
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            run_bench(base, args)
        finally:
            proc.terminate()
            proc.wait(30)


def run_bench(base: str, args: argparse.Namespace) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(base + "/api/v1/runs", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 90 s")
        time.sleep(0.2)
    body = {"toml": "", "name": "default"}
    run_id = httpx.post(base + "/api/v1/evaluate", json=body, timeout=120).json()["id"]
    httpx.get(f"{base}/runs/{run_id}", timeout=120)  # warm: the page is rendered once
    rows = {
        "GET /runs/{id} (run page)": lambda c: c.get(f"/runs/{run_id}"),
        "POST /api/v1/evaluate (default case)": lambda c: c.post("/api/v1/evaluate", json=body),
    }
    print(f"{args.clients} concurrent clients, at most {args.requests} requests or "
          f"{args.seconds:g} s per row, loopback")  # fmt: skip
    print(f"{'request':40} {'done':>5} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'non-2xx':>8}")
    for label, send in rows.items():
        done, wall, lat, bad = load(send, base, args.clients, args.requests, args.seconds)
        lat.sort()
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
        median = statistics.median(lat) if lat else float("nan")
        print(f"{label:40} {done:5d} {done / wall:8.1f} {1000 * median:10.1f} "
              f"{1000 * p95:8.1f} {bad:8d}")  # fmt: skip


if __name__ == "__main__":
    main()
