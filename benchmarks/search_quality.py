"""Known-item search: the project's search against SQLite FTS5's bm25() and tantivy, on the same
corpus and the same queries, in the same run.

    DATABASE_URL=postgresql://…/bench_1m python benchmarks/search_quality.py --targets-after 1060000 \\
        [--queries 1000] [--seed 1] [--workdir .local/bench/search]

The corpus is DATABASE_URL's library (titles without their markup); the known items are its papers
with an id above --targets-after (real files imported after a generated library, so that the queries are of real
titles, authors and identifiers, among a million distractors). Each query is of a kind people type,
made from one known item: three or four of its title words, a phrase of its abstract in quotes, the
first author's family name and a title word, title words with one typo, a title's part before its
colon, a DOI or arXiv id as pasted. A query succeeds at k when the item, or a paper with the same
folded title (the same work imported twice), is among the first k results.

The engines, each as its users would set it up: the project's search through its API (in-process,
`/api/papers/?search=…&page_size=10`); tantivy (title, authors and abstract with English stemming,
boosts 3, 2, 1, its query parser's default of any word; identifiers looked up by term); SQLite FTS5
(porter tokenizer, `bm25(docs, 10, 5, 1)`, every word required as Zotero and desktop managers do;
identifiers from an indexed table). tantivy's and FTS5's indexes are built once in --workdir from
the database and reused while the library is unchanged.

Prints success@1 and @10 per engine and kind, mean CPU ms per query (the process's, plus the
PostgreSQL backend's for the project), and p50/p99 wall ms, one query at a time; then p50/p99 and
queries per second with 2 and 8 processes searching at once (`--connections 2,8`, each for
`--duration` seconds, the same queries from different places), all on this machine's cores; then
the same by class of query: one common, medium or rare word (30 each, by how many papers FTS5 finds
them in; and 30 medium stems that are no word, which the project retries as misspelt), the phrases,
the identifiers (`--by-class` seconds each).
"""

import argparse
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DJANGO_DEBUG"] = "0"
os.environ["API_ANON_RATE"] = os.environ["API_USER_RATE"] = "100000000/minute"  # a benchmark, not a runaway script

import django  # noqa: E402

django.setup()

import tantivy  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bibliography import identifiers, searching  # noqa: E402
from bibliography.models import Paper  # noqa: E402
from config.serving import settle  # noqa: E402

CORPUS = """
SELECT p.id, regexp_replace(p.title, '<[^>]+>', '', 'g'), p.abstract,
    coalesce(lower(p.doi), ''), coalesce(lower(p.arxiv_id), ''),
    coalesce((SELECT string_agg(a.name, ' ' ORDER BY s.position) FROM bibliography_authorship s
              JOIN bibliography_author a ON a.id = s.author_id WHERE s.paper_id = p.id), '')
FROM bibliography_paper p
"""
KINDS = ["title words", "phrase", "surname and word", "typo", "before colon", "identifier"]
WORD = re.compile(r"[^\W\d_]{3,}")
STOP = {"the", "and", "for", "with", "from", "that", "this", "are", "was", "were", "into", "its", "our", "about"}
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def library_state() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(id), greatest(max(version), (SELECT max(version) FROM bibliography_paperversion))"
            " FROM bibliography_paper"
        )
        return "-".join(map(str, cursor.fetchone()))


def corpus_rows():
    with transaction.atomic(), connection.connection.cursor(name="corpus") as cursor:  # streamed
        cursor.itersize = 5000
        cursor.execute(CORPUS)
        yield from cursor


def build(workdir: Path, state: str) -> tuple[tantivy.Index, sqlite3.Connection]:
    marker = workdir / "state"
    fresh = marker.exists() and marker.read_text() == state
    if not fresh:
        for path in sorted(workdir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    (workdir / "tantivy").mkdir(parents=True, exist_ok=True)
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for field in ("title", "abstract"):
        builder.add_text_field(field, tokenizer_name="en_stem")
    builder.add_text_field("authors", tokenizer_name="default")
    builder.add_text_field("ids", tokenizer_name="raw")
    index = tantivy.Index(builder.build(), path=str(workdir / "tantivy"))
    lite = sqlite3.connect(workdir / "fts5.db")
    if fresh:
        return index, lite
    started = time.perf_counter()
    writer = index.writer(heap_size=512_000_000, num_threads=2)
    lite.execute("CREATE VIRTUAL TABLE docs USING fts5(title, authors, abstract, tokenize='porter unicode61')")
    lite.execute("CREATE TABLE ids (id INTEGER, key TEXT)")
    batch, keys = [], []
    for n, (pk, title, abstract, doi, arxiv, authors) in enumerate(corpus_rows(), 1):
        writer.add_document(
            tantivy.Document(id=pk, title=title, abstract=abstract, authors=authors, ids=[k for k in (doi, arxiv) if k])
        )
        batch.append((pk, title, authors, abstract))
        keys += [(pk, key) for key in (doi, arxiv) if key]
        if len(batch) == 10_000:
            lite.executemany("INSERT INTO docs (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)", batch)
            batch = []
            print(f"\r  indexed {n:,}", end="", file=sys.stderr)
    lite.executemany("INSERT INTO docs (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)", batch)
    lite.executemany("INSERT INTO ids VALUES (?, ?)", keys)
    lite.execute("CREATE INDEX ids_key ON ids (key)")
    lite.commit()
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    marker.write_text(state)
    print(f"\n  tantivy and FTS5 built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return index, lite


def known_items(after: int, count: int, rng: random.Random) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, regexp_replace(p.title, '<[^>]+>', '', 'g'), p.abstract, p.doi, p.arxiv_id, p.title_key,
                   (SELECT a.family FROM bibliography_authorship s JOIN bibliography_author a ON a.id = s.author_id
                    WHERE s.paper_id = p.id ORDER BY s.position LIMIT 1),
                   (SELECT array_agg(o.id) FROM bibliography_paper o
                    WHERE o.title_key = p.title_key AND p.title_key <> '')
            FROM bibliography_paper p WHERE p.id > %s AND p.title <> '' ORDER BY p.id""",
            [after],
        )
        columns = ["id", "title", "abstract", "doi", "arxiv", "title_key", "family", "same"]
        items = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rng.shuffle(items)
    return items[:count]


def query_of(item: dict, kind: str, rng: random.Random) -> str | None:
    words = [w for w in WORD.findall(item["title"]) if w.lower() not in STOP]
    if kind == "title words" and len(words) >= 3:
        picked = sorted(rng.sample(range(len(words)), min(len(words), rng.choice([3, 4]))))
        return " ".join(words[i] for i in picked)
    if kind == "phrase":
        # three words in a row in the abstract, as written (no number, no word cut by punctuation)
        tokens = [token.strip(".,;:()[]'\"") for token in item["abstract"].split()]
        starts = [i for i in range(len(tokens) - 2) if all(WORD.fullmatch(t) for t in tokens[i : i + 3])]
        if starts:
            start = rng.choice(starts)
            return '"' + " ".join(tokens[start : start + 3]) + '"'
    if kind == "surname and word" and item["family"] and words:
        return f"{item['family']} {max(words, key=len)}"
    if kind == "typo" and len(words) >= 3:
        picked = words[: rng.choice([3, 4])]
        long = [i for i, w in enumerate(picked) if len(w) >= 5]
        if long:
            i = rng.choice(long)
            word, at = picked[i], rng.randrange(1, len(picked[i]) - 1)
            picked[i] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # two letters swapped
            return " ".join(picked)
    if kind == "before colon" and ":" in item["title"]:
        head = item["title"].split(":", 1)[0].strip()
        if len(WORD.findall(head)) >= 1:
            return head
    if kind == "identifier" and (item["doi"] or item["arxiv"]):
        return f"https://doi.org/{item['doi']}" if item["doi"] else f"arXiv:{item['arxiv']}"
    return None


def queries(items: list[dict], rng: random.Random) -> list[tuple[str, str, set[int]]]:
    made = []
    for n, item in enumerate(items):
        for kind in KINDS[n % len(KINDS) :] + KINDS[: n % len(KINDS)]:
            if text := query_of(item, kind, rng):
                made.append((kind, text, set(item["same"] or []) | {item["id"]}))
                break
    return made


def pasted_identifier(text: str) -> str | None:
    for read in (identifiers.doi, identifiers.arxiv_id):
        try:
            if value := read(text):
                return value.lower()
        except identifiers.NotAnIdentifier:
            pass
    return None


class Project:
    name = "this project (PostgreSQL, its API)"

    def __init__(self):
        settle()  # as a served process does (config/wsgi.py)
        self.client = Client(HTTP_HOST="127.0.0.1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]

    def search(self, text: str) -> list[int]:
        response = self.client.get("/api/papers/", {"search": text, "page_size": 10})
        assert response.status_code == 200, (text, response.status_code)
        return [row["id"] for row in response.json()["results"]]

    def server_ms(self) -> float:
        fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * TICK_MS


class ProjectSearch(Project):
    """The same search without the API around it: the ranked ids only, as the engines below give."""

    name = "this project's search alone (ids, no API)"

    def search(self, text: str) -> list[int]:
        matches, search = searching.found(Paper.objects.all(), text)
        if search is None:
            return []
        return list(search.ranked(matches).values_list("id", flat=True)[:10])


class Tantivy:
    name = "tantivy 0.27 (BM25)"

    def __init__(self, index: tantivy.Index):
        self.index, self.searcher = index, index.searcher()

    def search(self, text: str) -> list[int]:
        if key := pasted_identifier(text):
            query = tantivy.Query.term_query(self.index.schema, "ids", key)
        else:
            try:
                query = self.index.parse_query(
                    text, ["title", "authors", "abstract"], field_boosts={"title": 3.0, "authors": 2.0}
                )
            except ValueError:
                query = self.index.parse_query(re.sub(r"[^\w\s]", " ", text), ["title", "authors", "abstract"])
        hits = self.searcher.search(query, 10).hits
        return [self.searcher.doc(address)["id"][0] for _, address in hits]

    def server_ms(self) -> float:
        return 0.0


class Fts5:
    name = "SQLite FTS5 (bm25)"

    def __init__(self, lite: sqlite3.Connection):
        self.lite = lite

    def search(self, text: str) -> list[int]:
        if key := pasted_identifier(text):
            return [row[0] for row in self.lite.execute("SELECT id FROM ids WHERE key = ? LIMIT 10", [key])]
        phrases = re.findall(r'"([^"]+)"', text)
        words = WORD.findall(re.sub(r'"[^"]+"', " ", text))
        match = " ".join([f'"{p}"' for p in phrases] + [f'"{w}"' for w in words])
        if not match:
            return []
        sql = "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 5.0, 1.0) LIMIT 10"
        return [row[0] for row in self.lite.execute(sql, [match])]

    def server_ms(self) -> float:
        return 0.0


def engine_named(name: str, workdir: Path):
    if name == Project.name:
        return Project()
    if name == ProjectSearch.name:
        return ProjectSearch()
    if name == Tantivy.name:
        return Tantivy(tantivy.Index.open(str(workdir / "tantivy")))
    return Fts5(sqlite3.connect(workdir / "fts5.db"))


def _client(name: str, workdir: Path, texts: list[str], offset: int, until: float) -> list[float]:
    connection.close()  # a connection of its own, not the parent's
    engine, walls, n = engine_named(name, workdir), [], offset
    while time.perf_counter() < until:
        started = time.perf_counter()
        engine.search(texts[n % len(texts)])
        walls.append((time.perf_counter() - started) * 1000)
        n += 1
    return walls


def under_load(name: str, workdir: Path, texts: list[str], clients: int, seconds: float) -> tuple[float, ...]:
    """p50 and p99 wall ms and queries per second with `clients` processes searching at once, each
    from its own place in the list of queries."""
    connection.close()  # forked children must not share the parent's socket
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        until = time.perf_counter() + 2 + seconds
        step = len(texts) // clients
        walls = sorted(
            wall
            for part in pool.starmap(_client, [(name, workdir, texts, i * step, until) for i in range(clients)])
            for wall in part
        )
    return statistics.median(walls), walls[int(len(walls) * 0.99)], len(walls) / (seconds + 2)


def run(engine, made: list[tuple[str, str, set[int]]]) -> dict:
    found: dict[str, list[tuple[bool, bool]]] = {kind: [] for kind in KINDS}
    walls = []
    cpu, server = time.process_time(), engine.server_ms()
    for kind, text, answers in made:
        started = time.perf_counter()
        ids = engine.search(text)
        walls.append((time.perf_counter() - started) * 1000)
        found[kind].append((bool(answers & set(ids[:1])), bool(answers & set(ids[:10]))))
    spent = (time.process_time() - cpu) * 1000 + engine.server_ms() - server
    return {"found": found, "cpu": spent / len(made), "walls": walls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets-after", type=int, required=True)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(".local/bench/search"))
    parser.add_argument("--connections", type=lambda v: [int(n) for n in v.split(",") if n], default=[2, 8])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of searching per engine and load")
    parser.add_argument(
        "--by-class", type=float, default=10.0, help="seconds per engine, load and class of query (0: none)"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    state = library_state()
    index, lite = build(args.workdir, state)
    made = queries(known_items(args.targets_after, args.queries, rng), rng)
    papers = int(state.split("-")[0])
    print(f"{papers:,} papers; {len(made)} queries of known items (ids above {args.targets_after:,})\n")
    results = {engine.name: run(engine, made) for engine in (Project(), ProjectSearch(), Tantivy(index), Fts5(lite))}
    kinds = [kind for kind in KINDS if any(k == kind for k, _, _ in made)]
    print("| engine | " + " | ".join(f"{kind} (n={sum(k == kind for k, _, _ in made)}) @1 / @10" for kind in kinds))
    print("| --- |" + " ---: |" * len(kinds) + " ---: | ---: | ---: | ---: | ---: |")
    for name, result in results.items():
        cells = []
        for kind in kinds:
            hits = result["found"][kind]
            cells.append(f"{sum(a for a, _ in hits) / len(hits):.0%} / {sum(b for _, b in hits) / len(hits):.0%}")
        every = [hit for kind in kinds for hit in result["found"][kind]]
        walls = sorted(result["walls"])
        p99 = walls[min(len(walls) - 1, int(len(walls) * 0.99))]
        print(
            f"| {name} | " + " | ".join(cells) + f" | {sum(a for a, _ in every) / len(every):.1%}"
            f" | {sum(b for _, b in every) / len(every):.1%} | {result['cpu']:.1f}"
            f" | {statistics.median(walls):.1f} | {p99:.1f} |"
        )
    print("\n(last five columns: all queries @1, @10, CPU ms per query, p50 and p99 wall ms)")
    if not args.connections:
        return
    texts = [text for _, text, _ in made]
    print("\n| engine | connections | p50 ms | p99 ms | queries/s |\n| --- | ---: | ---: | ---: | ---: |")
    for name in results:
        for clients in args.connections:
            p50, p99, rate = under_load(name, args.workdir, texts, clients, args.duration)
            print(f"| {name} | {clients} | {p50:.1f} | {p99:.1f} | {rate:.0f} |")
    if not args.by_class:
        return
    classes = {
        **words_by_share(lite, papers, rng),
        "phrases": [text for kind, text, _ in made if kind == "phrase"],
        "identifiers": [text for kind, text, _ in made if kind == "identifier"],
    }
    classes = {label: texts for label, texts in classes.items() if texts}  # a small corpus may lack one
    print("\n| engine | queries | connections | p50 ms | p99 ms | queries/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name in (Project.name, Tantivy.name, Fts5.name):
        for label, texts in classes.items():
            for clients in args.connections:
                p50, p99, rate = under_load(name, args.workdir, texts, clients, args.by_class)
                print(f"| {name} | {label} | {clients} | {p50:.1f} | {p99:.1f} | {rate:.0f} |")


# Single words by how many of the n papers have them.
SHARES = {
    "a common word (in 5-50% of papers)": lambda n: (n // 20, n // 2),
    "a medium word (0.1-1%)": lambda n: (n // 1000, n // 100),
    "a rare word (in 10-100 papers)": lambda n: (10, 100),
}
NO_WORD = "a medium stem that is no word (cohes, collaps)"
# The English (Porter 2) stemmer that tantivy, PostgreSQL's english_stem and the project's index share.
STEMMED = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


def words_by_share(lite: sqlite3.Connection, papers: int, rng: random.Random, each: int = 30) -> dict[str, list[str]]:
    """Single words of the corpus by how many papers have them, read from FTS5's vocabulary: Porter
    stems, kept where the English stemmer leaves them as they are (a word as one types it). About 9%
    of them are no word it keeps ("cohes", which it reads as "cohe"): those find almost nothing as
    typed and are searched again as misspelt, so the medium ones are a class of their own (NO_WORD)."""
    lite.execute("CREATE VIRTUAL TABLE IF NOT EXISTS vocabulary USING fts5vocab(docs, 'row')")
    chosen = {}
    for label, share in SHARES.items():
        low, high = share(papers)
        terms = [
            term
            for (term,) in lite.execute(
                "SELECT term FROM vocabulary WHERE doc BETWEEN ? AND ? ORDER BY term", [low, high]
            )
            if term.isalpha() and len(term) >= 4
        ]
        words = [term for term in terms if STEMMED.analyze(term) == [term]]
        chosen[label] = rng.sample(words, min(each, len(words)))
        if label.startswith("a medium"):
            stems = [term for term in terms if STEMMED.analyze(term) != [term]]
            chosen[NO_WORD] = rng.sample(stems, min(each, len(stems)))
    return chosen


if __name__ == "__main__":
    main()
