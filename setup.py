"""Maps the repository's folders to import names; everything else is in pyproject.toml.

The reconciler lives in sync/ but installs as `omicform`, so nothing squats the generic
name `sync`; each generated client installs under its own omicform-prefixed name.
"""

from pathlib import Path

from setuptools import find_packages, setup

ROOTS = {
    "omicform": "sync",
    "omicform_nmdc_client": "generated/omicform_nmdc_client",
    "omicform_nemo_client": "generated/omicform_nemo_client",
}

# A generated folder is absent only mid-regeneration (`make generate` removes nothing, but a
# fresh spec may); skip it then rather than fail the install that regeneration needs.
ROOTS = {name: folder for name, folder in ROOTS.items() if Path(folder).is_dir()}

packages = []
for name, folder in ROOTS.items():
    packages.append(name)
    packages.extend(f"{name}.{sub}" for sub in find_packages(folder))

setup(package_dir=ROOTS, packages=packages)
