"""Writing rows beside existing papers (tags, citations, keywords) in a large library, against the
same rows written with the project's triggers off.

    python benchmarks/touching_papers.py postgresql://postgres:@/bench_1m?host=... [--rows 20000] [--runs 2]

A tagging job over the library or a citation graph imported after its papers reaches papers that
already exist: the database then moves each paper's version (migrations 0046, 0067) and
a cited paper's count (0003, 0068). Each write is one statement of `--rows` rows on papers chosen at
random, timed in a transaction rolled back: nothing stays. The baseline is the same statement on the
same server with the table's own triggers disabled (`DISABLE TRIGGER USER`: foreign keys are still
checked), so the difference is what the triggers cost. The two alternate, each `--runs` times.
Prints Markdown rows for docs/benchmarks.md, with the migration the database is at.
"""

import argparse
import time

import psycopg2

CITATIONS = """INSERT INTO bibliography_citation
        (citing_id, cited_id, context, source, status, intent, created_at, updated_at)
    SELECT citing, cited, '', 'manual', 'accepted', '', now(), now()
    FROM unnest(%(papers)s::bigint[], %({cited})s::bigint[]) AS pair (citing, cited) WHERE citing <> cited
    ON CONFLICT DO NOTHING"""

WRITES = {
    "tags on existing papers": (
        "bibliography_paperconcept",
        """INSERT INTO bibliography_concept (name, slug, kind, description)
           VALUES ('Touching bench', 'touching-bench', 'topic', '') RETURNING id""",
        """INSERT INTO bibliography_paperconcept
               (paper_id, concept_id, score, source, status, reason, created_at, updated_at)
           SELECT id, %(made)s, 1.0, 'manual', 'accepted', '', now(), now()
           FROM unnest(%(papers)s::bigint[]) AS id""",
    ),
    "citations between existing papers": ("bibliography_citation", None, CITATIONS.format(cited="others")),
    "citations of a tenth as many papers, each cited 10 times": (
        "bibliography_citation",
        None,
        CITATIONS.format(cited="popular"),
    ),
    "keywords on existing papers": (
        "bibliography_paperkeyword",
        """INSERT INTO bibliography_keyword (name, name_key) VALUES ('touching bench', 'touching bench')
           RETURNING id""",
        """INSERT INTO bibliography_paperkeyword (paper_id, keyword_id, position)
           SELECT id, %(made)s, 100 FROM unnest(%(papers)s::bigint[]) AS id""",
    ),
}


def random_papers(cursor, rows: int) -> list[int]:
    cursor.execute("SELECT min(id), max(id) FROM bibliography_paper")
    low, high = cursor.fetchone()
    cursor.execute(
        """SELECT id FROM bibliography_paper
           WHERE id = ANY (SELECT (%s + floor(random() * (%s - %s + 1)))::bigint FROM generate_series(1, %s))
           LIMIT %s""",
        [low, high, low, rows * 3, rows],
    )
    return [row[0] for row in cursor.fetchall()]


def timed(conn, table: str, make: str | None, write: str, papers: list[int], others: list[int], *, bare: bool):
    with conn.cursor() as cursor:
        made = None
        if make:
            cursor.execute(make)
            made = cursor.fetchone()[0]
        if bare:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        started = time.perf_counter()
        popular = [others[n % max(1, len(others) // 10)] for n in range(len(papers))]
        cursor.execute(write, {"made": made, "papers": papers, "others": others, "popular": popular})
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign keys checked inside the time
        elapsed = time.perf_counter() - started
        conn.rollback()
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    conn = psycopg2.connect(args.url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bibliography_paper")
        papers_in_library = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'bibliography' ORDER BY name DESC LIMIT 1")
        migration = cursor.fetchone()[0]
        papers, others = random_papers(cursor, args.rows), random_papers(cursor, args.rows)
    conn.rollback()
    others = others[: len(papers)]
    print(f"{papers_in_library:,} papers, migration {migration}, {len(papers):,} rows a write")
    print("| write | with the triggers, s | triggers off, s |")
    print("| --- | ---: | ---: |")
    for name, (table, make, write) in WRITES.items():
        with_triggers, bare = [], []
        for _ in range(args.runs):
            with_triggers.append(timed(conn, table, make, write, papers, others, bare=False))
            bare.append(timed(conn, table, make, write, papers, others, bare=True))
        print(
            f"| {name} | {', '.join(f'{t:.2f}' for t in with_triggers)} | {', '.join(f'{t:.2f}' for t in bare)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
