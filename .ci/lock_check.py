"""requirements.lock pins every dependency pyproject.toml declares, at a version it allows.

A package added to pyproject.toml without `make lock` would be installed unpinned and never
audited by pip-audit, which reads the lock.
"""

import re
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)", re.MULTILINE)


def main() -> int:
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    declared = [
        Requirement(line)
        for line in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]
    with open("requirements.lock") as f:
        pins = {canonicalize_name(name): version for name, version in PIN.findall(f.read())}
    stale = [
        str(requirement)
        for requirement in declared
        if canonicalize_name(requirement.name) not in pins
        or not requirement.specifier.contains(pins[canonicalize_name(requirement.name)])
    ]
    if stale:
        print(f"requirements.lock is out of date for: {', '.join(stale)}; run make lock")
        return 1
    print(f"requirements.lock pins all {len(declared)} declared dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
