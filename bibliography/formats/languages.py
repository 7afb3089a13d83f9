"""Languages as each format names them: biblatex's `langid` by babel's names ("english",
"ngerman"), CSL by BCP 47 tags ("en-US", "de-DE"), reference managers often by ISO 639-2 ("eng")."""

# biblatex's language names (babel's) as the BCP 47 tags CSL processors read: a style changes the
# case of a title only in an English item, and "english" is not "en" to them.
_BCP47 = {
    "english": "en-US", "american": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ", "german": "de-DE", "ngerman": "de-DE",
    "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH", "french": "fr-FR",
    "spanish": "es-ES", "catalan": "ca-AD", "italian": "it-IT", "dutch": "nl-NL", "portuguese": "pt-PT",
    "portuges": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR", "russian": "ru-RU", "ukrainian": "uk-UA",
    "polish": "pl-PL", "czech": "cs-CZ", "slovak": "sk-SK", "slovene": "sl-SI", "croatian": "hr-HR",
    "serbian": "sr-RS", "bulgarian": "bg-BG", "greek": "el-GR", "turkish": "tr-TR", "hungarian": "hu-HU",
    "magyar": "hu-HU", "romanian": "ro-RO", "swedish": "sv-SE", "danish": "da-DK", "norsk": "nb-NO",
    "norwegian": "nb-NO", "nynorsk": "nn-NO", "finnish": "fi-FI", "icelandic": "is-IS", "estonian": "et-EE",
    "latvian": "lv-LV", "lithuanian": "lt-LT", "hebrew": "he-IL", "arabic": "ar", "persian": "fa-IR",
    "japanese": "ja-JP", "chinese": "zh-CN", "korean": "ko-KR", "vietnamese": "vi-VN", "thai": "th-TH",
    "indonesian": "id-ID", "latin": "la", "basque": "eu", "galician": "gl-ES", "welsh": "cy-GB", "irish": "ga-IE",
}  # fmt: skip


# ISO 639-2 codes, as Zotero's and Mendeley's BibTeX and RIS write them ("eng")
_BCP47 |= {
    "eng": "en", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es", "ita": "it", "dut": "nl",
    "nld": "nl", "por": "pt", "rus": "ru", "pol": "pl", "swe": "sv", "dan": "da", "nor": "no", "fin": "fi",
    "jpn": "ja", "chi": "zh", "zho": "zh", "kor": "ko", "ara": "ar", "tur": "tr", "gre": "el", "ell": "el",
    "heb": "he", "hun": "hu", "cze": "cs", "ces": "cs", "lat": "la",
}  # fmt: skip
_BABEL = {}
for _name, _tag in _BCP47.items():
    if len(_name) > 3:  # babel's names, not ISO codes
        _BABEL.setdefault(_tag.lower(), _name)
        _BABEL.setdefault(_tag.split("-")[0].lower(), _name)


def bcp47(value: str) -> str:
    """A language as CSL processors read it: a style changes the case of a title only in an English
    item, and "english" or "eng" is not "en" to them."""
    return _BCP47.get(value.strip().lower(), value)


def babel(value: str) -> str:
    """A language as biblatex's `langid` wants it (babel's name), from a BCP 47 tag or an ISO code."""
    key = value.strip().lower()
    if key in _BCP47 and len(key) > 3:
        return value
    tag = _BCP47.get(key, key).lower()
    return _BABEL.get(tag) or _BABEL.get(tag.split("-")[0]) or value
