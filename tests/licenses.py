#!/usr/bin/env python3
"""License check of every Rust dependency (offline stand-in for `cargo deny check licenses`).

Reads `cargo metadata` and fails when a package's license expression has no alternative
made only of licenses compatible with distributing Decorum under Apache-2.0.
"""
import json
import re
import subprocess
import sys

ALLOWED = {
    "MIT", "MIT-0", "Apache-2.0", "Unicode-3.0", "Unicode-DFS-2016", "Unlicense",
    "BSD-2-Clause", "BSD-3-Clause", "Zlib", "ISC", "CC0-1.0", "BSL-1.0",
}


def acceptable(expression: str) -> bool:
    expression = expression.replace("/", " OR ")
    # Exceptions such as "WITH LLVM-exception" only add permissions.
    expression = re.sub(r"\s+WITH\s+[\w.-]+", "", expression)
    for alternative in re.split(r"\s+OR\s+", expression.replace("(", " ").replace(")", " ")):
        atoms = [a.strip() for a in re.split(r"\s+AND\s+", alternative) if a.strip()]
        if atoms and all(a in ALLOWED for a in atoms):
            return True
    # An AND of groups, e.g. "(MIT OR Apache-2.0) AND Unicode-3.0".
    groups = re.split(r"\)\s+AND\s+", expression)
    if len(groups) > 1:
        return all(acceptable(g.strip(" ()")) for g in groups)
    return False


def main() -> int:
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True, capture_output=True, text=True,
    ).stdout
    bad = []
    for package in json.loads(out)["packages"]:
        license = package.get("license")
        if not license or not acceptable(license):
            bad.append(f"{package['name']} {package['version']}: {license!r}")
    if bad:
        print("dependencies with licenses that need a look:", *bad, sep="\n  ", file=sys.stderr)
        return 1
    print(f"licenses: all {len(json.loads(out)['packages'])} packages acceptable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
