"""A live workshop under load: N participants on one blueprint, through a real server.

Starts gunicorn on the configured database (SQLite or PostgreSQL), creates a throwaway
project from the CRM and ERP template with one account per participant, and lets each
participant do what an open workshop page does: beat the heartbeat every two seconds,
refresh the navigation badges when the heartbeat reports a change, and save an edit of
"their" attribute every few seconds. It prints requests per second, p50 / p95 / p99 per
kind of request and the errors, judges them against the budget (0 errors, p95 ≤ 200 ms
by default), removes what it made and exits non-zero on a FAIL.

The server runs with DEBUG on (the session cookie must travel over plain HTTP on
loopback); everything else is as in production: gunicorn, several workers, the
configured database and cache.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse

from accounts.models import User
from blueprint.benchscale import percentile, save_budgets, save_figures
from blueprint.interchange.json import project_import
from blueprint.interchange.templates import templates_list
from blueprint.models import Attribute, Membership, Project, Role
from blueprint.serving import gunicorn_server

PASSWORD = "load-run-password-2026"
BEAT_SECONDS = 2.0
HTMX = {"HX-Request": "true"}


class _Unfollowed(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer (its status is kept), not a page to go on to."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    status: int


class Participant(threading.Thread):
    """One person with a page open: heartbeat, badge refresh on change, a save now and then."""

    def __init__(
        self,
        *,
        url: str,
        project: Project,
        email: str,
        attribute: dict[str, Any],
        until: float,
        samples: list[Sample],
        lock: threading.Lock,
        seed: int,
    ) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.project = project
        self.email = email
        self.attribute = attribute
        self.until = until
        self.samples = samples
        self.lock = lock
        self.random = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.unfollowed = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _Unfollowed()
        )
        self.after = 0
        self.error = ""

    def _request(
        self,
        kind: str,
        path: str,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        follow: bool = True,
    ) -> tuple[int, str]:
        headers = dict(headers or {})
        body = None
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
            headers = {"Referer": self.url + path, **headers}
        request = urllib.request.Request(
            self.url + path, data=body.encode() if body else None, headers=headers
        )
        started = time.perf_counter()
        status = 0
        text = ""
        try:
            opener = self.opener if follow else self.unfollowed
            with opener.open(request, timeout=30) as response:
                status = response.status
                text = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            self.error = str(exc)
        elapsed = time.perf_counter() - started
        if kind != "setup":
            with self.lock:
                self.samples.append(Sample(kind, elapsed, 200 <= status < 400, status))
        return status, text

    def sign_in(self) -> None:
        """Before the clock starts: signing in is not what a workshop does all day."""
        self._request("setup", "/accounts/login/")
        self._request("setup", "/accounts/login/", {"username": self.email, "password": PASSWORD})
        if not any(c.name == settings.SESSION_COOKIE_NAME for c in self.jar):
            self.error = f"{self.email} could not sign in (see {self.url}/accounts/login/)."

    def run(self) -> None:
        pk = self.project.pk
        self._request("page", f"/p/{pk}/data-model/")
        next_save = time.monotonic() + self.random.uniform(1, 6)
        while time.monotonic() < self.until:
            started = time.monotonic()
            status, text = self._request(
                "heartbeat", f"/p/{pk}/pulse/", {"where": "data_model", "after": self.after}
            )
            number = re.search(r"\"last\":\s*(\d+)", text)
            if number and int(number.group(1)) != self.after:
                self.after = int(number.group(1))
                self._request("badge refresh", f"/p/{pk}/readiness/nav/?nav=data_model", None, HTMX)
            if time.monotonic() >= next_save:
                self._save()
                next_save = time.monotonic() + self.random.uniform(3, 7)
            time.sleep(max(0.0, BEAT_SECONDS - (time.monotonic() - started)))

    def timed_saves(self, count: int, *, warmup: int) -> dict[str, list[float]]:
        """Before the load: this participant's attribute saved `count` times, each in turn
        with Django's own UpdateView of the same row and a bare UPDATE of it
        (`blueprint.bench_urls`), one request at a time (ms), after `warmup` rounds that
        are not counted (each server process is slow on its first request of each)."""
        times: dict[str, list[float]] = {"app": [], "django": [], "bare": []}
        args = [self.attribute["pk"]]
        django = reverse("bench_django", urlconf="blueprint.bench_urls", args=args)
        bare = reverse("bench_bare_update", urlconf="blueprint.bench_urls", args=args)
        for n in range(warmup + count):
            started = time.perf_counter()
            saved = self._save(kind="setup")
            took = {"app": time.perf_counter() - started}
            if not saved:
                raise CommandError("A timed save failed.")
            for name, path, data, expected in (
                ("django", django, self._form_data(), 302),
                ("bare", bare, {"description": f"Bare {n}"}, 200),
            ):
                started = time.perf_counter()
                status, _text = self._request("setup", path, data, follow=False)
                took[name] = time.perf_counter() - started
                if status != expected:
                    raise CommandError(f"POST {path} answered {status}, not {expected}.")
                if name == "django":  # the model counts every save, whoever makes it
                    self.attribute["revision"] += 1
            if n >= warmup:
                for name, seconds in took.items():
                    times[name].append(seconds * 1000)
        return times

    def _form_data(self) -> dict[str, Any]:
        a = self.attribute
        return {
            "entity": a["entity"],
            "name": a["name"],
            "kind": a["kind"],
            "source_of_truth": a["source_of_truth"] or "",
            "description": a["description"],
            "display_systems": a["display_systems"],
            "update_systems": a["update_systems"],
            "revision": a["revision"],
        }

    def _save(self, kind: str = "save") -> bool:
        a = self.attribute
        a["description"] = f"Checked at {time.strftime('%H:%M:%S')} by {self.email}."
        status, _text = self._request(
            kind,
            reverse("blueprint:item_update", args=[self.project.pk, "attribute", a["pk"]]),
            self._form_data(),
            HTMX,
            follow=False,
        )
        if status == 200:
            a["revision"] += 1
        return status == 200


class Command(BaseCommand):
    help = "A live workshop under load through gunicorn: rps, p50/p95/p99, errors (nothing kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=30)
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--budget-p95", type=float, default=200.0, help="In milliseconds.")
        parser.add_argument(
            "--saves",
            type=int,
            default=20,
            help="Saves timed one at a time before the load (0: none, as make load does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = max(1, options["participants"])
        template = templates_list()[0]
        # Hashed as the server checks it, whatever hashers this process is set up with (the
        # tests use a fast one that the server's settings do not know).
        pbkdf2 = PBKDF2PasswordHasher()
        hashed = pbkdf2.encode(PASSWORD, pbkdf2.salt())
        stamp = f"{int(time.time())}"
        users = User.objects.bulk_create(
            User(
                email=f"load-{stamp}-{i}@example.invalid",
                display_name=f"Load participant {i + 1}",
                password=hashed,
            )
            for i in range(count)
        )
        report = project_import(doc=template.document(), user=users[0], with_members=False)
        project = report.project
        project.name = f"Load run {stamp}"
        project.save(update_fields=["name"])
        Membership.objects.bulk_create(
            Membership(project=project, user=u, role=Role.CONTRIBUTOR) for u in users[1:]
        )
        attributes = list(
            Attribute.objects.filter(project=project)
            .prefetch_related("display_systems", "update_systems")
            .order_by("pk")
        )
        samples: list[Sample] = []
        lock = threading.Lock()
        log = Path(settings.MEDIA_ROOT) / "loadrun-server.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        try:
            # The benchmark's settings: the app's, with one bare view added (the timed saves).
            with gunicorn_server(
                log=log,
                workers=options["workers"],
                threads=4,
                env={"DJANGO_SETTINGS_MODULE": "blueprint.bench_settings"},
            ) as url:
                until = 0.0  # set when everyone has signed in
                people = []
                for i, user in enumerate(users):
                    a = attributes[i % len(attributes)]
                    people.append(
                        Participant(
                            url=url,
                            project=project,
                            email=user.email,
                            attribute={
                                "pk": a.pk,
                                "entity": a.entity_id,
                                "name": a.name,
                                "kind": a.kind,
                                "source_of_truth": a.source_of_truth_id,
                                "description": a.description,
                                "display_systems": [s.pk for s in a.display_systems.all()],
                                "update_systems": [s.pk for s in a.update_systems.all()],
                                "revision": a.revision,
                            },
                            until=until,
                            samples=samples,
                            lock=lock,
                            seed=i,
                        )
                    )
                signing = [threading.Thread(target=p.sign_in) for p in people]
                for thread in signing:
                    thread.start()
                for thread in signing:
                    thread.join()
                if failed := [p.error for p in people if p.error]:
                    raise CommandError(" ".join(failed[:3]))
                saves: dict[str, list[float]] = {}
                if options["saves"] > 0:
                    # Rounds enough for every server process to have most likely served each
                    # view once (the kernel decides which process takes a connection).
                    warmup = 3 * options["workers"]
                    saves = people[0].timed_saves(options["saves"], warmup=warmup)
                started = time.monotonic()
                for person in people:
                    person.until = started + options["seconds"]
                    person.start()
                for person in people:
                    person.join(timeout=options["seconds"] + 120)
                elapsed = time.monotonic() - started
        finally:
            project.delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
        self._report(samples, elapsed, count, options, saves)

    def _report(
        self,
        samples: list[Sample],
        elapsed: float,
        count: int,
        options: dict[str, Any],
        saves: dict[str, list[float]],
    ) -> None:
        by_kind: dict[str, list[Sample]] = defaultdict(list)
        for s in samples:
            by_kind[s.kind].append(s)
        errors = [s for s in samples if not s.ok]
        every = [s.seconds * 1000 for s in samples]
        lines: list[str] = []
        judged: list[tuple[str, float, float, str]] = []
        if saves:
            figures = save_figures(saves)
            lines += [
                f"Attribute save through gunicorn on {connection.vendor}, one request at a "
                f"time ({len(saves['app'])} in turns with Django's UpdateView and a bare "
                "UPDATE of the same row; the description changed, as in a workshop):",
                *(
                    f"  {label:<26} p50 / p95 {figures[f'{name}_p50']:5.1f}"
                    f" / {figures[f'{name}_p95']:5.1f} ms"
                    for name, label in (
                        ("app", "the app's save"),
                        ("django", "Django's UpdateView"),
                        ("bare", "a bare UPDATE view"),
                    )
                ),
            ]
            judged = save_budgets(figures)
        lines += [
            f"Load run: {count} participants for {options['seconds']} s on "
            f"{connection.vendor} through gunicorn ({options['workers']} workers × 4 threads)",
            f"  requests {len(samples)}, {len(samples) / elapsed:.1f} per second, "
            f"errors {len(errors)}",
        ]
        for kind, items in sorted(by_kind.items()):
            ms = [s.seconds * 1000 for s in items]
            lines.append(
                f"    {kind:<14} {len(items):5d}  p50 {statistics.median(ms):6.0f} ms  "
                f"p95 {percentile(ms, 95):6.0f} ms  p99 {percentile(ms, 99):6.0f} ms"
                f"  errors {sum(not s.ok for s in items)}"
            )
        p95 = percentile(every, 95)
        budget = options["budget_p95"]
        failed = []
        lines.append("  budgets:")
        for label, value, limit, _unit in (
            ("errors", len(errors), 0, ""),
            ("p95 of all requests, ms", p95, budget, "ms"),
            *judged,
        ):
            ok = value <= limit
            if not ok:
                failed.append(label)
            lines.append(
                f"    {'PASS' if ok else 'FAIL'}  {label:<38} {value:8.2f}  (budget {limit:g})"
            )
        if errors:
            statuses = sorted({s.status for s in errors})
            lines.append(f"  error statuses: {statuses}")
        self.stdout.write("\n".join(lines))
        if failed:
            raise CommandError("Over budget: " + "; ".join(failed) + ".")
        self.stdout.write(self.style.SUCCESS("Within budget."))
