"""Load the demo users and project from fixtures/demo.json; running it twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from blueprint.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo users and the demo project (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "fixtures" / "demo.json")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        report = demo_load(data=data)
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {data['password']}):"))
        for user in data["users"]:
            self.stdout.write(f"  {user['email']:<40} {user['display_name']} – {user['job_title']}")
        self.stdout.write("Open the app in your browser and sign in with one of them.")
