"""The app's settings with the benchmark's URLconf (`blueprint.bench_urls`: the app plus
one bare view), for the server `manage.py loadrun` starts to time a save through
gunicorn against the least a view that updates one row can cost. Not for serving."""

from blueprint.settings import *  # noqa: F403 - the app's settings, unchanged but one

ROOT_URLCONF = "blueprint.bench_urls"
