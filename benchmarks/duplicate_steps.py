"""Where the search for duplicates spends its time as it goes through a library, step by step.

    DATABASE_URL=postgresql://…/bench_1m python benchmarks/duplicate_steps.py [--everything] [LIMIT]

Runs `duplicates_find()` in this process on DATABASE_URL's library and prints, for every 20,000
papers, the milliseconds per paper of the last 20,000 and the seconds each step took: the waiting
papers read (`waiting`), their band keys and trigram counts made (`bands_py`) and written (`setbands`), the index's
pending list merged (`ginclean`), and the comparisons by identifier, abstract and title. A cost per
paper that grows as the search goes on is a step that reads what earlier batches wrote. With LIMIT,
stops after that many papers (their batches are committed, as a stopped search's are).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db.backends.utils import CursorWrapper  # noqa: E402

import bibliography.duplicates as duplicates  # noqa: E402

STEPS = [
    ("FOR UPDATE OF w", "waiting"),
    ("INSERT INTO bibliography_titlesketch", "setbands"),
    ("DELETE FROM bibliography_waitingpaper", "dequeue"),
    ("gin_clean_pending_list", "ginclean"),
    ("'identifier'", "identifier"),
    ("'abstract'", "abstract"),
    ("'title'", "title"),
    ("shared_band", "title"),
]
spent: dict[str, float] = {}


def timed(execute):
    def run(self, sql, params=None):
        started = time.perf_counter()
        try:
            return execute(self, sql, params)
        finally:
            text = sql[:400].decode(errors="replace") if isinstance(sql, bytes) else sql
            step = next((name for marker, name in STEPS if marker in text), "other")
            spent[step] = spent.get(step, 0) + time.perf_counter() - started

    return run


def main(everything: bool, limit: int | None) -> None:
    CursorWrapper.execute = timed(CursorWrapper.execute)
    sketches = duplicates.title_sketches

    def title_sketches(keys):
        started = time.perf_counter()
        try:
            return sketches(keys)
        finally:
            spent["bands_py"] = spent.get("bands_py", 0) + time.perf_counter() - started

    duplicates.title_sketches = title_sketches
    start = last_time = time.perf_counter()
    last_done = 0

    class Enough(Exception):
        pass

    def progress(done: int) -> None:
        nonlocal last_time, last_done
        if done // 20_000 > last_done // 20_000:
            now = time.perf_counter()
            per = (now - last_time) / (done - last_done) * 1e3
            steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in sorted(spent.items()))
            print(f"{done:,} papers, {now - start:.0f} s: {per:.2f} ms/paper; {steps}", flush=True)
            spent.clear()
            last_time, last_done = now, done
        if limit and done >= limit:
            raise Enough

    try:
        # one connection, so that each step's seconds are its own
        added = duplicates.duplicates_find(everything=everything, on_progress=progress, workers=1)
        print(f"{added:,} pairs added in {time.perf_counter() - start:.1f} s")
    except Enough:
        print(f"stopped after {limit:,} papers, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main("--everything" in arguments, next((int(a) for a in arguments if a.isdigit()), None))
