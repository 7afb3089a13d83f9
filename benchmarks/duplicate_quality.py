"""How well the duplicate search finds the labelled pairs of real records in tests/data/real/duplicates/.

    python benchmarks/duplicate_quality.py           # a Markdown table
    python benchmarks/duplicate_quality.py --json    # the same figures as JSON

Imports every file named in pairs.csv, each once (`import_dumps --no-duplicates`), into a database
of its own, `bench_duplicates`, dropped and made anew (on the server of BENCH_DATABASE_URL, a
maintenance URL, or else the embedded server in .local/bench-pgdata, as import_throughput.py).
Finds each labelled record's paper by its SourceRecord (file, line), runs `find_duplicates` over
everything, and measures:

- recall: the `same` pairs that are candidates (either order), or one paper already because the
  import merged the two records ("merged at import", also counted apart), over all `same` pairs;
- precision on the labelled set: `same` found / (`same` found + `different` found), where a
  `different` pair merged at import counts as found (a wrong merge);
- the `same` pairs missed and the `different` pairs proposed, with their kind;
- the candidate pairs over the whole corpus, and the seconds the search took.
"""

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_throughput import ROOT, database_url, recreate, server_url  # noqa: E402

REAL = ROOT / "tests" / "data" / "real"
PAIRS = REAL / "duplicates" / "pairs.csv"
DATABASE = "bench_duplicates"


def fresh_database(maintenance_url: str) -> str:
    """Drop and make `bench_duplicates`; its URL."""
    recreate(maintenance_url, DATABASE)
    return database_url(maintenance_url, DATABASE)


def django_on(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # or Django keeps every query in memory
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def files_of(pairs: list[dict]) -> list[Path]:
    names = sorted({pair[side] for pair in pairs for side in ("file_a", "file_b")})
    return [path if (path := REAL / name).exists() else REAL / "duplicates" / name for name in names]


def load(files: list[Path]) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_dumps", *map(str, files), no_progress=True, no_duplicates=True, stdout=quiet)


def paper_ids() -> tuple[dict[tuple[str, int], int], dict[int, str]]:
    """Each imported record's paper, by (file, line); each paper's stored title."""
    from bibliography.models import Paper, SourceRecord

    ids = {(f, line): paper for f, line, paper in SourceRecord.objects.values_list("file_name", "line_number", "paper")}
    return ids, dict(Paper.objects.values_list("id", "title"))


def search() -> tuple[set[frozenset], float]:
    """Every candidate pair after `find_duplicates` (the import's own included); the search's seconds."""
    from django.core.management import call_command

    from bibliography.models import DuplicateCandidate

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("find_duplicates", stdout=quiet)
    seconds = time.perf_counter() - started
    return {frozenset(pair) for pair in DuplicateCandidate.objects.values_list("paper_a", "paper_b")}, seconds


def measure(pairs: list[dict], ids: dict, titles: dict, candidates: set[frozenset], seconds: float) -> dict:
    outcome = Counter()
    missed, proposed, unlocated, retitled = [], [], [], []
    for pair in pairs:
        a = ids.get((pair["file_a"], int(pair["line_a"])))
        b = ids.get((pair["file_b"], int(pair["line_b"])))
        where = f"{pair['file_a']}:{pair['line_a']} / {pair['file_b']}:{pair['line_b']}"
        if a is None or b is None:
            unlocated.append(where)
            continue
        if {titles[a], titles[b]} - {
            pair["title_a"],
            pair["title_b"],
        }:  # a third record's title: merged, or a wrong line
            retitled.append(where)
        how = "merged" if a == b else "candidate" if frozenset((a, b)) in candidates else "apart"
        outcome[pair["label"], how] += 1
        shown = {"kind": pair["kind"], "records": where, "titles": [pair["title_a"], pair["title_b"]]}
        if pair["label"] == "same" and how == "apart":
            missed.append(shown)
        elif pair["label"] == "different" and how != "apart":
            proposed.append({**shown, "how": how})
    same = sum(n for (label, _), n in outcome.items() if label == "same")
    same_found = outcome["same", "merged"] + outcome["same", "candidate"]
    different_found = outcome["different", "merged"] + outcome["different", "candidate"]
    return {
        "same_pairs": same,
        "different_pairs": sum(n for (label, _), n in outcome.items() if label == "different"),
        "same_as_candidates": outcome["same", "candidate"],
        "same_merged_at_import": outcome["same", "merged"],
        "recall": same_found / same if same else None,
        "different_as_candidates": outcome["different", "candidate"],
        "different_merged_at_import": outcome["different", "merged"],
        "precision": same_found / (same_found + different_found) if same_found + different_found else None,
        "candidates_in_corpus": len(candidates),
        "papers_in_corpus": len(set(ids.values())),
        "search_seconds": round(seconds, 2),
        "missed_same": missed,
        "proposed_different": proposed,
        "unlocated": unlocated,
        "stored_title_differs": retitled,
    }


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def markdown(result: dict) -> str:
    r = result
    rows = [
        ("labelled pairs (same / different)", f"{r['same_pairs']} / {r['different_pairs']}"),
        ("recall", percent(r["recall"])),
        ("`same` as candidates / merged at import", f"{r['same_as_candidates']} / {r['same_merged_at_import']}"),
        ("precision on the labelled set", percent(r["precision"])),
        (
            "`different` as candidates / merged at import",
            f"{r['different_as_candidates']} / {r['different_merged_at_import']}",
        ),
        (f"candidate pairs in the corpus ({r['papers_in_corpus']:,} papers)", f"{r['candidates_in_corpus']:,}"),
        ("search time", f"{r['search_seconds']} s"),
    ]
    lines = ["| measure | value |", "| --- | --- |", *(f"| {name} | {value} |" for name, value in rows)]
    for heading, pairs in [
        ("Missed `same` pairs", r["missed_same"]),
        ("Proposed `different` pairs", r["proposed_different"]),
    ]:
        lines += [
            "",
            f"{heading}: {len(pairs)}",
            "",
            "| kind | records | title a | title b |",
            "| --- | --- | --- | --- |",
        ]
        for p in pairs:
            kind = p["kind"] + (" (merged at import)" if p.get("how") == "merged" else "")
            a, b = (title.replace("|", "\\|") for title in p["titles"])
            lines.append(f"| {kind} | {p['records']} | {a} | {b} |")
    if r["unlocated"]:
        lines += ["", "Records not found by (file, line): " + ", ".join(r["unlocated"])]
    if r["stored_title_differs"]:
        lines += ["", "Pairs whose papers carry a third title: " + ", ".join(r["stored_title_differs"])]
    return "\n".join(lines)


def main(as_json: bool) -> None:
    with PAIRS.open(newline="", encoding="utf-8") as rows:
        pairs = list(csv.DictReader(rows))
    maintenance, _server = server_url()
    django_on(fresh_database(maintenance))
    load(files_of(pairs))
    candidates, seconds = search()
    ids, titles = paper_ids()
    result = measure(pairs, ids, titles, candidates, seconds)
    print(json.dumps(result, indent=2, ensure_ascii=False) if as_json else markdown(result))


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--json", action="store_true", help="print the figures as JSON")
    main(arguments.parse_args().json)
