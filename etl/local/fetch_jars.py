"""Fetch the jars of etl/local/jars.lock from Maven Central into a cache folder, each checked against its SHA-256.

    fetch_jars.py <jars.lock> <cache dir>

A jar already in the cache with the locked digest is not fetched again, so a filled cache works offline. A digest
mismatch removes the download and fails, naming the coordinate and both digests. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.request

MAVEN_CENTRAL = "https://repo1.maven.org/maven2"


def parse_lock(text: str) -> list[tuple[str, str, str, str]]:
    """(sha256, group, artifact, version) per non-comment line."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        coordinate = parts[1].split(":") if len(parts) == 2 else []
        if len(parts[0]) != 64 or len(coordinate) != 3:
            raise ValueError(f"line {number}: expected '<sha256> group:artifact:version', got {line!r}")
        entries.append((parts[0], *coordinate))
    return entries


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: fetch_jars.py <jars.lock> <cache dir>", file=sys.stderr)
        return 2
    lock, cache = argv
    with open(lock, encoding="utf-8") as handle:
        entries = parse_lock(handle.read())
    os.makedirs(cache, exist_ok=True)
    for sha256, group, artifact, version in entries:
        name = f"{artifact}-{version}.jar"
        target = os.path.join(cache, name)
        if os.path.exists(target) and sha256_of(target) == sha256:
            continue
        url = f"{MAVEN_CENTRAL}/{group.replace('.', '/')}/{artifact}/{version}/{name}"
        print(f"fetch_jars: {url}", flush=True)
        handle_fd, partial = tempfile.mkstemp(dir=cache, suffix=".part")
        os.close(handle_fd)
        try:
            urllib.request.urlretrieve(url, partial)  # noqa: S310 - fixed https host
            actual = sha256_of(partial)
            if actual != sha256:
                print(
                    f"fetch_jars: {group}:{artifact}:{version} has sha256 {actual}, {lock} pins {sha256}; "
                    "refusing it (update the lock only after checking the new jar)",
                    file=sys.stderr,
                )
                return 1
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
