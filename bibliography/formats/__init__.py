"""The file formats the bibliography reads and writes, one module each: the dump pages (`listing`,
`abstracts`, `vault`) and reference managers' files (`bibtex`, `csljson`, `ris`). Each module tells
its files apart, reads them into the records of `records`, and writes papers back if the format can
hold them; it declares all of that once, as its `FORMAT`, which `registry` lists."""
