"""Requests per second the sandbox serves on loopback, for a few typical calls.

Starts `omicform sandbox --port 0` as its own process (so that the client does not share a
core and a GIL with the server), then sends a bounded number of requests per scenario from
a few client threads, each with its own keep-alive connection, and prints a table.

    .venv/bin/python bench/sandbox_rps.py [--count 2000] [--threads 4] [--no-write]

It writes the table into docs/performance.md (between its markers) unless `--no-write`.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from table import measured_on, replace_between

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN = "<!-- bench:sandbox (make bench writes this table) -->"
END = "<!-- /bench:sandbox -->"

Call = Callable[[httpx.Client, int], httpx.Response]

EXPORTS = 7


@dataclass
class Result:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.count / self.seconds


def start_sandbox() -> tuple[subprocess.Popen[str], dict[str, str]]:
    omicform = Path(sys.executable).with_name("omicform")
    process = subprocess.Popen(
        [str(omicform), "sandbox", "--port", "0", "--step-seconds", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    env = {}
    for _ in range(EXPORTS):
        name, _, value = process.stdout.readline().removeprefix("export ").strip().partition("=")
        env[name] = value
    return process, env


def run(name: str, call: Call, clients: list[httpx.Client], count: int) -> Result:
    latencies: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(count))

    def worker(client: httpx.Client) -> None:
        mine = []
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            started = time.perf_counter()
            response = call(client, index)
            mine.append(time.perf_counter() - started)
            if response.status_code >= 400:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, count, time.perf_counter() - started, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument(
        "--no-write", dest="write", action="store_false", help="print only; leave the docs"
    )
    args = parser.parse_args()

    launched = time.perf_counter()
    process, env = start_sandbox()
    startup = time.perf_counter() - launched
    try:
        nmdc, nemo = env["NMDC_API_URL"], env["NEMO_API_URL"]
        token = httpx.post(
            nmdc + "/token",
            data={
                "grant_type": "client_credentials",
                "client_id": env["NMDC_CLIENT_ID"],
                "client_secret": env["NMDC_CLIENT_SECRET"],
            },
        ).json()["access_token"]
        jwt = httpx.post(
            env["NEMO_LOGIN_URL"] + "/v1/login",
            json={"username": env["NEMO_USERNAME"], "password": env["NEMO_PASSWORD"]},
        ).json()["jwt"]
        nmdc_clients = [
            httpx.Client(base_url=nmdc, headers={"Authorization": f"Bearer {token}"})
            for _ in range(args.threads)
        ]
        nemo_clients = [
            httpx.Client(base_url=nemo, headers={"Authorization": f"Bearer {jwt}"})
            for _ in range(args.threads)
        ]
        tasks = "/wf_file_staging/globus_tasks"
        manifest = (Path(__file__).resolve().parents[1] / "examples" / "manifests").glob("*.tsv")
        manifest_bytes = next(iter(sorted(manifest))).read_bytes()
        # Something to list: 100 tasks, and 100 submissions (one full, complete history page).
        for i in range(100):
            nmdc_clients[0].post(tasks, json={"task_id": f"seed-{i}", "task_status": "ACTIVE"})
            nemo_clients[0].post(
                "/submission", files={"manifest": ("seed_manifest.tsv", manifest_bytes)}
            )
        for _ in range(7):  # one step per read (--step-seconds 0): all six steps done
            nemo_clients[0].get("/submission")
        first_id = nemo_clients[0].get("/submission").json()["results"][0]["id"]

        scenarios: list[tuple[str, Call, list[httpx.Client]]] = [
            (
                "NMDC list globus_tasks (20/page)",
                lambda c, i: c.get(tasks, params={"max_page_size": 20}),
                nmdc_clients,
            ),
            (
                "NMDC create globus_task",
                lambda c, i: c.post(tasks, json={"task_id": f"b-{i}", "task_status": "ACTIVE"}),
                nmdc_clients,
            ),
            ("NMDC get globus_task", lambda c, i: c.get(f"{tasks}/seed-{i % 100}"), nmdc_clients),
            ("NeMO get submission", lambda c, i: c.get(f"/submission/{first_id}"), nemo_clients),
            ("NeMO history (page of 100)", lambda c, i: c.get("/submission"), nemo_clients),
            (
                "NeMO create submission",
                lambda c, i: c.post(
                    "/submission", files={"manifest": ("bench_manifest.tsv", manifest_bytes)}
                ),
                nemo_clients,
            ),
        ]
        results = [run(name, call, clients, args.count) for name, call, clients in scenarios]
        for client in (*nmdc_clients, *nemo_clients):
            client.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)

    print(f"sandbox started (exports printed) in {startup:.2f} s; {args.threads} client threads")
    header = (
        f"{'scenario':<34} {'requests':>8} {'seconds':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for r in results:
        ordered = sorted(r.latencies)
        p50 = statistics.median(ordered) * 1000
        p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
        print(f"{r.name:<34} {r.count:>8} {r.seconds:>8.2f} {r.rps:>8.0f} {p50:>7.1f} {p95:>7.1f}")
        rows.append(f"| {r.name} | {r.rps:,.0f} | {p50:.1f} | {p95:.1f} |")
    if args.write:
        replace_between(DOC, BEGIN, END, markdown(rows, startup, args))


def markdown(rows: list[str], startup: float, args: argparse.Namespace) -> str:
    """The table for docs/performance.md, with when and how it was measured."""
    measured = (
        f"{measured_on()}; {args.count:,} requests per "
        f"call from {args.threads} client threads; the sandbox printed its exports "
        f"{startup:.2f} s after launch."
    )
    head = [BEGIN, measured, "", "| call | requests/s | p50 ms | p95 ms |", "|---|---|---|---|"]
    return "\n".join([*head, *rows, END])


if __name__ == "__main__":
    main()
