"""Download the jars listed in jars.txt from Maven Central and verify them (build-time helper of the Dockerfile).

    python3 fetch_jars.py <jars.txt> <output folder>

Each line is `group:artifact:version [sha1]`. A jar must match the SHA-1 that Maven Central publishes beside it
(`<jar>.sha1`), and the pinned SHA-1 when the line has one. Uses only the standard library; any mismatch or download
error fails the build.
"""

import hashlib
import os
import re
import sys
import urllib.request

REPOSITORY = "https://repo1.maven.org/maven2"
LINE = re.compile(r"([\w.-]+):([\w.-]+):([\w.-]+)(?:\s+([0-9a-f]{40}))?")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - fixed https repository
        return response.read()


def main(manifest: str, out_dir: str) -> int:
    os.makedirs(out_dir, exist_ok=True)
    with open(manifest, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]
    for line in lines:
        match = LINE.fullmatch(line)
        if match is None:
            print(f"jars.txt: cannot read {line!r}; write group:artifact:version [sha1]", file=sys.stderr)
            return 1
        group, artifact, version, pinned = match.groups()
        name = f"{artifact}-{version}.jar"
        url = f"{REPOSITORY}/{group.replace('.', '/')}/{artifact}/{version}/{name}"
        content = fetch(url)
        published = fetch(f"{url}.sha1").decode("ascii").split()[0].lower()
        actual = hashlib.sha1(content).hexdigest()  # noqa: S324 - the digest Maven Central publishes
        if actual != published or (pinned is not None and actual != pinned):
            print(f"{name}: sha1 {actual}, Maven Central says {published}, pinned {pinned}", file=sys.stderr)
            return 1
        with open(os.path.join(out_dir, name), "wb") as jar:
            jar.write(content)
        print(f"{name}: sha1 {actual} sha256 {hashlib.sha256(content).hexdigest()} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
