"""A bounded soak test: many clients at once for minutes, reading, searching and writing as curators.

    python benchmarks/soak.py --minutes 5 --connections 50     # after import_throughput.py filled bench_import

Serves the `bench_import` database (see import_throughput.py; BENCH_DATABASE_URL as there) with
gunicorn, 2 workers, production settings, and loads it from wrk on 127.0.0.1 only with a mix of
requests (benchmarks/soak.lua): 45% paper details, 10% list pages, 15% searches, 5% concept
filters, and 25% curator writes with a token (tagging papers, editing review fields). Every 10 s it
reads each worker's resident memory. Prints the statuses seen, latency, throughput, and each
worker's memory at the start, at the end and at its highest: the run passes with no status of 500
or more, no socket error, and no worker growing by more than a tenth after its first minute.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 10

MAKE_CURATOR = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
user, _ = User.objects.get_or_create(username="soak-curator")
user.groups.add(Group.objects.get(name="curator"))
print(Token.objects.get_or_create(user=user)[0].key)
"""


def curator_token(url: str) -> str:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.dev", DJANGO_DEBUG="0")
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", MAKE_CURATOR],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def sample_memory(master: int, samples: dict[int, list[tuple[float, int]]], stop: threading.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        for pid in worker_pids(master):
            try:
                samples.setdefault(pid, []).append((time.monotonic() - started, rss_kib(pid)))
            except (FileNotFoundError, ProcessLookupError):
                continue
        stop.wait(SAMPLE_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    url, (low, high), _database_server = api_load.bench_database()
    token = curator_token(url)
    server = api_load.serve(url)
    samples: dict[int, list[tuple[float, int]]] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server.pid, samples, stop), daemon=True)
    sampler.start()
    env = dict(os.environ, BENCH_ID_MIN=str(low), BENCH_ID_MAX=str(high), SOAK_TOKEN=token)
    seconds = int(args.minutes * 60)
    try:
        run = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", str(ROOT / "benchmarks" / "soak.lua"), f"http://127.0.0.1:{api_load.PORT}"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        stop.set()
        sampler.join()
        server.terminate()
        server.wait(timeout=30)

    statuses = {int(code): int(n) for code, n in re.findall(r"^STATUS (\d+) (\d+)$", run.stdout, re.MULTILINE)}
    result = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", run.stdout.split("RESULT", 1)[1])}
    total = sum(statuses.values())
    print(f"{args.connections} connections, {seconds} s, papers {low}-{high}")
    print(f"requests {total:,} ({total / result['seconds']:,.0f}/s); statuses " + ", ".join(
        f"{code}: {n:,}" for code, n in sorted(statuses.items())))  # fmt: skip
    print(f"latency p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms")
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"server errors {server_errors}, socket errors {int(result['errors'])}")
    grew = False
    for pid, series in sorted(samples.items()):
        settled = [kib for t, kib in series if t >= 60] or [series[-1][1]]
        first, last, peak = series[0][1], series[-1][1], max(kib for _, kib in series)
        growth = (last - settled[0]) / settled[0]
        grew |= growth > 0.10
        print(
            f"worker {pid}: RSS {first / 1024:.0f} MB at start, {settled[0] / 1024:.0f} MB after a minute, "
            f"{last / 1024:.0f} MB at the end (highest {peak / 1024:.0f} MB), growth after the first minute "
            f"{growth:+.1%}"
        )
    ok = server_errors == 0 and result["errors"] == 0 and not grew
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
