"""Write a synthetic trending-papers listing of N papers in the real format, to measure imports.

    python benchmarks/generate_listing.py 100000 > /tmp/listing-100k.txt

Titles are unique; abstracts are 1,300-1,900 characters drawn from the seed dumps' vocabulary,
with a code URL in about one abstract in four, as in the real listings.
"""

import random
import re
import sys
from pathlib import Path

DUMPS = Path(__file__).resolve().parent.parent / "fixtures" / "dumps"
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 20\n\n"


def vocabulary() -> list[str]:
    words = []
    for path in DUMPS.glob("00[34]_*.txt"):
        words += re.findall(r"[A-Za-z][a-z]+", path.read_text())
    return words


def main(count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    words = vocabulary()
    out = sys.stdout
    out.write(HEADER)
    for n in range(count):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12))).capitalize()
        sentences = []
        length, target = 0, rng.randint(1300, 1900)
        while length < target:
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(12, 28))).capitalize() + "."
            sentences.append(sentence)
            length += len(sentence) + 1
        if n % 4 == 0:
            sentences.append(f"Code is at https://github.com/lab{n % 997}/project-{n}.")
        out.write(f"{title} {n}\n\n{' '.join(sentences)}\n\n")


if __name__ == "__main__":
    main(int(sys.argv[1]))
