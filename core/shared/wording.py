"""Phrases from per-language catalogs: the customer's language, English for a language or a
phrase a catalog lacks (said in English rather than not at all)."""

from collections.abc import Mapping

ENGLISH = "en"


def phrase(catalogs: Mapping[str, Mapping[str, str]], language: str, key: str) -> str:
    return catalogs.get(language, {}).get(key) or catalogs[ENGLISH][key]
