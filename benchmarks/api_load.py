"""API latency and throughput under load, against the production server on loopback.

    python benchmarks/api_load.py            # after import_throughput.py filled bench_import

Serves the `bench_import` database (see import_throughput.py; BENCH_DATABASE_URL as there) with
gunicorn, 2 workers, production settings (DEBUG off, persistent connections), and loads it from a
separate process with wrk (Debian package `wrk`) on 127.0.0.1 only, for a bounded time per
scenario. First, once, it gives the papers a concept DAG to filter by: 3 categories over 12 topics
over 48 sub-topics, every tenth paper tagged (accepted) with one sub-topic.
Prints a Markdown table of p50 / p95 / p99 (ms), requests per second and errors per scenario.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_throughput  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def concept_dag(url: str) -> None:
    """3 categories -> 12 topics -> 48 sub-topics; every tenth paper tagged with one sub-topic."""
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM bibliography_concept WHERE slug = 'bench-1'")
        if cursor.fetchone():
            return
        cursor.execute(
            "INSERT INTO bibliography_concept (name, slug, kind, description) "
            "SELECT 'Bench ' || n, 'bench-' || n, CASE WHEN n <= 3 THEN 'category' ELSE 'topic' END, '' "
            "FROM generate_series(1, 63) AS n"
        )
        edges = [(1 + (t - 4) // 4, t) for t in range(4, 16)] + [(4 + (s - 16) // 4, s) for s in range(16, 64)]
        cursor.executemany(
            "INSERT INTO bibliography_conceptrelation (parent_id, child_id) "
            "SELECT p.id, c.id FROM bibliography_concept p, bibliography_concept c "
            "WHERE p.slug = %s AND c.slug = %s",
            [(f"bench-{p}", f"bench-{c}") for p, c in edges],
        )
        cursor.execute(
            "INSERT INTO bibliography_paperconcept "
            "(paper_id, concept_id, score, source, status, reason, created_at, updated_at) "
            "SELECT p.id, c.id, 0.9, 'manual', 'accepted', '', now(), now() FROM bibliography_paper p "
            "JOIN bibliography_concept c ON c.slug = 'bench-' || (16 + p.id % 48) WHERE p.id % 10 = 0"
        )
        cursor.execute("ANALYZE")
    conn.close()


def id_range(url: str) -> tuple[int, int]:
    conn = psycopg2.connect(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM bibliography_paper WHERE title <> ''")
        low, high = cursor.fetchone()
    conn.close()
    return low, high


def serve(url: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_CONN_MAX_AGE="600",
        API_ANON_RATE="100000000/minute",
        API_USER_RATE="100000000/minute",  # anonymous clients count against it too, by address
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/papers/?page_size=1", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer in 20 s")


def load(path: str, ids: tuple[int, int], duration: int, connections: int) -> dict:
    env = dict(os.environ, BENCH_PATH=path, BENCH_ID_MIN=str(ids[0]), BENCH_ID_MAX=str(ids[1]))
    script = ROOT / "benchmarks" / "wrk_report.lua"
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    fields = dict(re.findall(r"(\w+)=([\d.]+)", run.stdout.split("RESULT", 1)[1]))
    return {key: float(value) for key, value in fields.items()}


# Search terms by how many generated papers contain them: "learning" about 87%, "protein" 6%,
# "confabulation" 0.4% (the rarest words of the seed vocabulary the generator draws from).
SCENARIOS = [
    ("paper list (50)", "/api/papers/"),
    ("paper detail", "/api/papers/{id}/"),
    ("concept filter with descendants", "/api/papers/?concept=bench-1"),
    ("search, common term (87% of papers)", "/api/papers/?search=learning"),
    ("search, medium term (6%)", "/api/papers/?search=protein"),
    ("search, rare term (0.4%)", "/api/papers/?search=confabulation"),
    ("BibTeX export of a page (50)", "/api/papers/?format=bibtex"),
]
WARM_UP_REQUESTS = 20  # per scenario: both workers prepare their statements and fill their caches


def bench_database() -> tuple[str, tuple[int, int], object]:
    """The benchmark database (with its concept DAG), the range of titled paper ids, and a handle that
    keeps an embedded server running."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    maintenance, database_server = import_throughput.server_url()
    url = import_throughput.database_url(maintenance)
    concept_dag(url)
    return url, id_range(url), database_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    url, ids, _database_server = bench_database()
    server = serve(url)
    try:
        for _, path in SCENARIOS:  # warm caches and assign citation keys before measuring
            for n in range(WARM_UP_REQUESTS):
                url = f"http://127.0.0.1:{PORT}{path.replace('{id}', str(ids[0] + n))}"
                urllib.request.urlopen(url, timeout=60).read()
        print(f"{args.connections} connections, {args.duration} s per scenario")
        print("| scenario | p50 ms | p95 ms | p99 ms | requests/s | errors |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, path in SCENARIOS:
            r = load(path, ids, args.duration, args.connections)
            rps = r["requests"] / r["seconds"]
            errors = int(r["errors"] + r["non2xx"])
            print(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {rps:,.0f} | {errors} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
