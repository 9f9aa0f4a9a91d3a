"""Static check of the PowerShell helpers: every .ps1/.psm1 under plugins/ must parse cleanly.

There is no PowerShell on the machines this project is tested on, so helpers are checked with
tree-sitter-powershell. The grammar mis-parses some valid constructs (comma lists in command
arguments among them): helpers are written in a style it parses cleanly (`-Property @('A','B')`),
and any parse error fails the check. Run directly to check the tree: `python tools/pscheck.py`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import tree_sitter
import tree_sitter_powershell

POWERSHELL = tree_sitter.Language(tree_sitter_powershell.language())
SUFFIXES = (".ps1", ".psm1")


@dataclass(frozen=True)
class ParseProblem:
    path: str
    line: int
    column: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: PowerShell parse error near {self.text!r}"


def parse(source: bytes) -> tree_sitter.Tree:
    return tree_sitter.Parser(POWERSHELL).parse(source)


def parse_problems(path: Path, source: bytes | None = None) -> list[ParseProblem]:
    source = path.read_bytes() if source is None else source
    tree = parse(source)
    problems = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            text = source[node.start_byte : node.end_byte].decode("utf-8", "replace")[:60]
            problems.append(ParseProblem(str(path), node.start_point[0] + 1, node.start_point[1] + 1, text))
            continue
        if node.has_error:
            stack.extend(node.children)
    return sorted(problems, key=lambda p: (p.line, p.column))


def helper_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "plugins").rglob("*") if p.suffix.lower() in SUFFIXES)


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    problems = [p for f in helper_files(root) for p in parse_problems(f)]
    for problem in problems:
        print(problem)
    print(f"pscheck: {len(helper_files(root))} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
