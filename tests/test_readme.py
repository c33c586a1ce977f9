"""README.md stays true: its Python examples run, and its relative links lead somewhere.

Every ```python block of README.md runs in a fresh interpreter, in an empty temporary working directory,
with the repository first on PYTHONPATH. Every relative link must name an existing file, and a link with
an anchor into a Markdown file must name one of that file's headings (as MkDocs would slug it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")


def python_blocks(text: str) -> list[str]:
    return [m.group(1) for m in _BLOCK.finditer(text)]


def relative_links(text: str) -> list[str]:
    prose = _FENCE.sub("", text)  # links inside code blocks are not links
    links = []
    for target in _LINK.findall(prose):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http:, https:, mailto:, ... and same-page anchors
        links.append(target)
    return links


def slugify(heading: str) -> str:
    """The anchor Python-Markdown's toc extension (MkDocs' default) gives a heading."""
    text = re.sub(r"[`*]", "", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(markdown: str) -> set[str]:
    found = set()
    for heading in _HEADING.findall(_FENCE.sub("", markdown)):
        attr = _ATTR_ID.search(heading)
        found.add(attr.group(1) if attr else slugify(heading))
    return found


README_TEXT = README.read_text(encoding="utf-8")
BLOCKS = python_blocks(README_TEXT)


def test_readme_has_python_examples_and_links():
    assert BLOCKS, "README.md has no ```python block"
    assert relative_links(README_TEXT), "README.md links to no docs page"


def test_readme_stays_short():
    assert len(README_TEXT.splitlines()) < 200


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env.setdefault("OMP_NUM_THREADS", "1")
    proc = subprocess.run(
        [sys.executable, "-c", BLOCKS[index]],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"README python block {index + 1} failed:\n{proc.stderr}"


def test_readme_relative_links_exist():
    broken = []
    for link in relative_links(README_TEXT):
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve()
        if not target.exists():
            broken.append(f"{link}: no file {path}")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target.read_text(encoding="utf-8")):
            broken.append(f"{link}: {path} has no heading with anchor #{anchor}")
    assert not broken, "broken links in README.md:\n" + "\n".join(broken)


def test_link_checker_sees_a_broken_link_and_a_missing_anchor():
    text = "[a](docs/nowhere.md) [b](docs/install.md#no-such-heading) [c](https://example.org) [d](#top)"
    assert relative_links(text) == ["docs/nowhere.md", "docs/install.md#no-such-heading"]
    assert slugify("The network: `speed` and memory") == "the-network-speed-and-memory"
    assert anchors("## `--method algebraic`: codes {#algebraic}\n### Plain one\n") == {
        "algebraic",
        "plain-one",
    }
