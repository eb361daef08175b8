"""The vendor bundle: the blueprint as machine-readable contracts, tied to its snapshot.

- `carried`: every field the mappings write, read in the direction it is written, and
  the data type of each attribute kind (shared by the contracts and the APIs);
- `odcs`: one Open Data Contract Standard contract per entity;
- `openapi`: one OpenAPI 3.1 skeleton per system the integration writes into;
- `validate`: a bundle checked as a vendor would: hashes, and each file against its
  standard's schema;
- `build`: the zip, its manifest of hashes, and storing a signed version's bundle.

docs/vendor-bundle.md explains each file for a vendor (and travels in the zip).
"""

from blueprint.bundle.build import (
    MANIFEST,
    BundleFile,
    bundle_build,
    bundle_filename,
    bundle_files,
    project_bundle_build,
    version_bundle_get,
)
from blueprint.bundle.validate import bundle_check

__all__ = [
    "MANIFEST",
    "BundleFile",
    "bundle_build",
    "bundle_check",
    "bundle_filename",
    "bundle_files",
    "project_bundle_build",
    "version_bundle_get",
]
