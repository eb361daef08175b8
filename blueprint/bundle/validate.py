"""Each file of a bundle checked against its standard, as a vendor's tools would.

- ODCS contracts: the JSON Schema that the `open-data-contract-standard` package ships
  (the standard's own schema file), with `jsonschema`;
- OpenAPI files: `openapi-spec-validator`, which knows 3.1;
- the blueprint JSON: the format's own JSON Schema (`blueprint.interchange.schema`);
- the acceptance tests: the official Gherkin parser.

`bundle_check` reads a zip as a vendor receives it: the manifest's hashes against the
files, then every contract, API and the blueprint JSON against its schema. The tests run
it on the bundles of the demo, the template and the large benchmark blueprint, and
`manage.py bundle_check` on any zip. A problem it finds is a bug in the bundle, not in
the blueprint. (It is not run on each download: checking takes seconds per file on a big
blueprint, writing them a fraction of that.)
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator

from blueprint.interchange.schema import document_json_schema


@cache
def odcs_schema() -> dict[str, Any]:
    text = (resources.files("open_data_contract_standard") / "schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _odcs_validator() -> jsonschema.protocols.Validator:
    schema = odcs_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def _document_validator() -> jsonschema.protocols.Validator:
    schema = document_json_schema()
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _problems(errors: Any) -> list[str]:
    found = []
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        found.append(f"{where}: {error.message[:200]}")
    return found


def odcs_problems(contract: dict[str, Any]) -> list[str]:
    return _problems(_odcs_validator().iter_errors(contract))


def openapi_problems(spec: dict[str, Any]) -> list[str]:
    return _problems(OpenAPIV31SpecValidator(spec).iter_errors())


def document_problems(data: Any) -> list[str]:
    return _problems(_document_validator().iter_errors(data))


def bundle_check(bundle: bytes) -> dict[str, list[str]]:
    """Path -> its problems, for every file of the zip with any ({} when all is well)."""
    found: dict[str, list[str]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(bundle))
    except zipfile.BadZipFile as exc:
        return {"(bundle)": [f"not a zip file: {exc}"]}
    names = set(archive.namelist())
    if "manifest.json" not in names:
        return {"(bundle)": ["no manifest.json"]}
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    for path in sorted(names - set(listed) - {"manifest.json"}):
        found.setdefault(path, []).append("in the zip but not in the manifest")
    for path, entry in listed.items():
        if path not in names:
            found.setdefault(path, []).append("in the manifest but not in the zip")
            continue
        content = archive.read(path)
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            found.setdefault(path, []).append("its SHA-256 differs from the manifest's")
        problems = _file_problems(path, content, manifest)
        if problems:
            found.setdefault(path, []).extend(problems)
    return found


def _file_problems(path: str, content: bytes, manifest: dict[str, Any]) -> list[str]:
    if path.endswith(".odcs.yaml"):
        return odcs_problems(yaml.safe_load(content))
    if path.endswith(".openapi.yaml"):
        return openapi_problems(yaml.safe_load(content))
    if path.endswith(".feature"):
        from blueprint.acceptance import gherkin_error

        error = gherkin_error(content.decode("utf-8"))
        return [f"not valid Gherkin: {error}"] if error else []
    if path == "blueprint.json":
        problems = document_problems(json.loads(content))
        if hashlib.sha256(content).hexdigest() != manifest.get("snapshotSha256"):
            problems.append("it is not the snapshot the manifest names (SHA-256 differs)")
        return problems
    return []
