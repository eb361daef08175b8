"""Names of the files the app writes: one stem per item, unique within its folder."""

from __future__ import annotations

from django.utils.text import slugify


def file_slug(name: str, taken: set[str], fallback: str) -> str:
    """A file name stem for a name, unique among `taken` (which it joins)."""
    base = slugify(name, allow_unicode=True)[:60].strip("-") or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
