"""Counting what a page costs: the same page must cost the same at any size."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def get_counting(client: Client, path: str, **headers: str) -> tuple[int, str]:
    """GET a page that must answer 200; return how many queries it ran, and its body."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(queries), response.content.decode()
