"""Check vendor bundles as a vendor would: every hash against the manifest, and every
data contract, OpenAPI file and the blueprint JSON against its standard's schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blueprint.bundle import bundle_check


class Command(BaseCommand):
    help = "Check vendor bundle zips: hashes and every file against its standard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundles", nargs="+", help="Paths of vendor bundle zips.")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = []
        for name in options["bundles"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            problems = bundle_check(path.read_bytes())
            if not problems:
                self.stdout.write(self.style.SUCCESS(f"{name}: every file is valid."))
                continue
            failed.append(name)
            self.stdout.write(self.style.ERROR(f"{name}:"))
            for member, found in problems.items():
                for problem in found:
                    self.stdout.write(f"  {member}: {problem}")
        if failed:
            raise CommandError(f"Not valid: {', '.join(failed)}.")
