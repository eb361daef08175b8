"""The vendor PDF's URL fetcher: the app's own static files from disk, and nothing else.

The PDF's HTML refers to its stylesheet and fonts under `ASSET_ROOT`, a host that is
never contacted. WeasyPrint fetches through `StaticOnlyFetcher`, which maps those URLs to
the app's static files on disk and refuses every other URL (file:, http(s):, data:, ...),
without ever opening one. This is the second wall behind autoescaping: even markup that
slipped through could not make the renderer read a file or call a host.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Where the PDF's HTML finds the static files. The host is never contacted: the fetcher
# maps these URLs to files on disk and refuses everything else.
ASSET_ROOT = "https://pdf-assets.invalid/static/"
ASSET_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class FetchRefused(ValueError):
    """The URL is not one of the app's own static files."""


def static_file_for(url: str) -> str | None:
    """The path on disk of an allowed asset URL, or None when the URL is not allowed."""
    if not url.startswith(ASSET_ROOT):
        return None
    rest = url[len(ASSET_ROOT) :]
    parts = urlsplit(rest)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    relative = unquote(parts.path)
    if not relative or "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return None
    normal = posixpath.normpath(relative)
    if normal != relative or normal.startswith(".."):
        return None
    if posixpath.splitext(normal)[1].lower() not in ASSET_TYPES:
        return None
    found = finders.find(normal)
    return str(found) if isinstance(found, str | os.PathLike) else None


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files from disk; refuses every other URL unopened.

    Remembers what it was asked for, so tests (and the renderer's caller) can see it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"Refused to fetch {url[:200]!r}: not one of the app's files.")
        self.fetched.append(url)
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = ASSET_TYPES.get(posixpath.splitext(path)[1].lower()) or (
            mimetypes.guess_type(path)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
