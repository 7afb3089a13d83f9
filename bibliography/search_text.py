"""What a search's text asks the search index (bibliography/search_index.py): the fields it reads and
their weights, the analyzers that make a text's terms (one for the index and the query alike), and
SearchText, which reads web-search syntax into the index's query.
"""

import re
from itertools import pairwise

import tantivy

from bibliography import identifiers

# The fields a search reads, and how much a word found in each weighs.
FIELDS = {"title": 3.0, "authors": 2.0, "abstract": 1.0, "more": 0.5}
IDENTIFIER_BOOST = 50.0

# A word this long or longer is also looked up one edit away (as Meilisearch does): one edit from a
# shorter word reaches the commonest words ("jare" finds "are" and "care": 831,395 papers, 44 ms).
TYPO_FROM = 5
# Nor is a word that this share of the titles or abstracts have as typed (and ten): it is no typo, and
# one edit from a common word reaches other common words ("use project based teaching" retried 43 ms
# at a million papers). At 1% the known-item benchmark's typos are found as often as with every word
# read as misspelt (at 0.1%, 2 of 155 fewer), and its slowest 1% of searches take 22 ms instead of 39.
TYPO_SHARE = 0.01
# Every two neighbouring words of the title, abstract and notes are also indexed as one term (as
# Elasticsearch's `index_phrases` does): a phrase of common words ("more the more") then reads the
# postings of its rare pairs, not of words in most papers (23 ms at a million papers).
PAIRS = "pairs"
# Words that weigh little and that a search does not require (Lucene's English list).
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
     "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with"}
)  # fmt: skip


LONGEST = 60  # bytes: a longer word is no term


def _analyzer(stemmed: bool) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(LONGEST))
    builder = builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
    return (builder.filter(tantivy.Filter.stemmer("english")) if stemmed else builder).build()


WORDS, NAMES = _analyzer(stemmed=True), _analyzer(stemmed=False)
PAIRED = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()  # pairs as made: none cut
_ANALYZERS = {"title": WORDS, "authors": NAMES, "abstract": WORDS, "more": WORDS}


def common_in(searcher: tantivy.Searcher):
    """Whether a word as typed is in at least TYPO_SHARE of the titles or abstracts (and 10)."""
    least = max(10, TYPO_SHARE * searcher.num_docs)

    def common(word: str) -> bool:
        tokens = WORDS.analyze(word)
        return len(tokens) == 1 and any(searcher.doc_freq(field, tokens[0]) >= least for field in ("title", "abstract"))

    return common


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_KEYLIKE = re.compile(r"[\d/:.]")  # DOIs, arXiv ids and citation keys have one of these


class SearchText:
    """A search's text (web-search syntax, as PostgreSQL reads it: words, "a phrase", -excluded, `or`)
    as the index's query: every word required in some field (a stopword only weighs); `relaxed`, each
    word also one typo away, and the last also as a prefix (`tinystor` for TinyStories)."""

    def __init__(self, terms: str):
        self.terms = terms.strip()
        self.clauses: list[list[tuple[bool, bool, str]]] = [[]]  # (excluded, phrase, text)
        for excluded, phrase, word in _TOKEN.findall(self.terms):
            if word and word.lower() == "or" and self.clauses[-1]:
                self.clauses.append([])
            elif word:
                negative = word.startswith("-") and len(word) > 1
                self.clauses[-1].append((negative, False, word[1:] if negative else word))
            elif phrase.strip():
                self.clauses[-1].append((bool(excluded), True, phrase))
        self.clauses = [clause for clause in self.clauses if clause]

    @property
    def relaxable(self) -> bool:
        """Whether the relaxed query would differ: one clause (no `or`) with a word to read as possibly
        misspelt or unfinished (phrases are not relaxed: for a search of a phrase alone the relaxed
        query is the same, and a phrase of common words costs 5-25 ms at a million papers)."""
        return len(self.clauses) == 1 and any(not excluded and not phrase for excluded, phrase, _ in self.clauses[0])

    def query(self, schema, *, relaxed: bool = False, common=None) -> tantivy.Query | None:
        """The index's query; `relaxed`, each word also one typo away and the last also as a prefix,
        except a word `common(word)` says many papers have as typed (neither misspelt nor unfinished);
        None where that leaves no word to read otherwise."""
        parts, self._loosened = [], False
        for n, clause in enumerate(self.clauses):
            last = n == len(self.clauses) - 1
            built = self._clause(schema, clause, relaxed=relaxed, prefix_last=relaxed and last, common=common)
            if built is not None:
                parts.append((tantivy.Occur.Should, built))
        if (pasted := self._identifiers(schema)) is not None:
            parts.append((tantivy.Occur.Should, pasted))
        if relaxed and not self._loosened:
            return None
        if len(parts) == 1:  # unwrapped: a plain union of fields is what top-k pruning (block-max WAND) skips best
            return parts[0][1]
        return tantivy.Query.boolean_query(parts) if parts else None

    def _clause(self, schema, clause, *, relaxed: bool, prefix_last: bool, common=None) -> tantivy.Query | None:
        meaningful = [t for e, p, t in clause if not e and (p or t.lower() not in STOPWORDS)]
        parts = []
        for i, (excluded, phrase, text) in enumerate(clause):
            # quoted means as typed, a one-word phrase too; and so does a word many papers have
            relax = relaxed and not excluded and not phrase and not (common and common(text))
            prefix = relax and prefix_last and i == len(clause) - 1
            typed = NAMES.analyze(text) if relax else []
            self._loosened |= len(typed) == 1 and (len(text) >= TYPO_FROM or (prefix and len(typed[0]) >= 3))
            matched = self._anywhere(schema, text, phrase=phrase, relaxed=relax, prefix=prefix)
            if matched is None:
                continue
            if excluded:
                parts.append((tantivy.Occur.MustNot, matched))
            elif phrase or text.lower() not in STOPWORDS or not meaningful:
                parts.append((tantivy.Occur.Must, matched))
            else:
                parts.append((tantivy.Occur.Should, matched))
        if parts and all(occur == tantivy.Occur.MustNot for occur, _ in parts):  # `-word` alone: all but those
            parts.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        if len(parts) == 1 and parts[0][0] == tantivy.Occur.Must:
            return parts[0][1]
        return tantivy.Query.boolean_query(parts) if parts else None

    @staticmethod
    def _anywhere(schema, text: str, *, phrase: bool, relaxed: bool, prefix: bool) -> tantivy.Query | None:
        """The text found in any field, weighed by the field's weight. Words found together (a phrase,
        or a word the analyzer splits, "state-of-the-art") in the title, abstract or notes are looked
        for among the papers that have each of their pairs (PAIRS)."""
        parts = []
        for field, weight in FIELDS.items():
            tokens = _ANALYZERS[field].analyze(text)
            if not tokens:
                continue
            if len(tokens) > 1:
                query = tantivy.Query.phrase_query(schema, field, tokens)
                if _ANALYZERS[field] is WORDS:  # among the papers with its pairs: a field each, so that the
                    # pairs' short postings lead (a union of the fields' phrases would walk each one's own)
                    query = tantivy.Query.boolean_query([*_having_pairs(schema, tokens), (tantivy.Occur.Must, query)])
                parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight)))
                continue
            query = tantivy.Query.term_query(schema, field, tokens[0])
            alike = []
            if relaxed and len(text) >= TYPO_FROM:
                alike.append(tantivy.Query.fuzzy_term_query(schema, field, tokens[0], distance=1))
            if prefix and len(typed := NAMES.analyze(text)) == 1 and len(typed[0]) >= 3:
                alike.append(tantivy.Query.fuzzy_term_query(schema, field, typed[0], distance=0, prefix=True))
            if alike:  # the word as typed still scores above its neighbours
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, tantivy.Query.boost_query(query, 2.0))]
                    + [(tantivy.Occur.Should, tantivy.Query.const_score_query(q, 0.1)) for q in alike]
                )
            parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight)))
        return tantivy.Query.boolean_query(parts) if parts else None

    def _identifiers(self, schema) -> tantivy.Query | None:
        """A DOI, an arXiv id (in any form one pastes them) or a citation key, looked up as a whole."""
        if not self.terms or any(c.isspace() for c in self.terms) or not _KEYLIKE.search(self.terms):
            return None  # a plain word is no identifier: its search stays a plain union of fields
        keys = {self.terms, self.terms.lower()}
        for read in (identifiers.doi, identifiers.arxiv_id):
            try:
                if value := read(self.terms):
                    keys.add(value.lower())
            except identifiers.NotAnIdentifier:
                pass
        terms = [tantivy.Query.term_query(schema, "ids", key) for key in sorted(keys)]
        return tantivy.Query.boost_query(
            tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms]), IDENTIFIER_BOOST
        )


# Indexing


def _having_pairs(schema, tokens: list[str]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Clauses requiring each pair of the tokens, scoring nothing."""
    pairs = sorted(set(word_pairs(tokens)))
    return [
        (tantivy.Occur.Must, tantivy.Query.const_score_query(tantivy.Query.term_query(schema, PAIRS, p), 0.0))
        for p in pairs
    ]


def word_pairs(tokens: list[str]) -> list[str]:
    """Each two neighbouring tokens as one term ("more_the", "the_more")."""
    return list(map("_".join, pairwise(tokens)))
