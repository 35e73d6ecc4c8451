#!/usr/bin/env python3
"""Parse Swift files with tree-sitter-swift and fail on any ERROR or MISSING node.

No Swift compiler can be installed on the Linux CI, so this is the check the generated
Swift sources and the XCTest tests get there. tree-sitter-swift 0.7.4 wrongly flags
`@_documentation(visibility: …)` and `{ () }`; those are blanked (same length) first.
Usage: swift_syntax_check.py FILE.swift…
"""
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

parser = Parser(Language(tree_sitter_swift.language()))
failed = False
for path in sys.argv[1:]:
    src = open(path, encoding="utf-8").read()
    src = re.sub(r"@_documentation\(visibility:[^)]*\)", lambda m: " " * len(m.group(0)), src)
    src = src.replace("{ () }", "{    }")
    tree = parser.parse(src.encode("utf-8"))
    problems = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            problems.append(n)
        stack.extend(n.children)
    if problems:
        failed = True
        for n in sorted(problems, key=lambda n: n.start_point)[:20]:
            line = src.splitlines()[n.start_point[0]] if n.start_point[0] < len(src.splitlines()) else ""
            kind = "missing" if n.is_missing else "error"
            print(f"{path}:{n.start_point[0] + 1}:{n.start_point[1] + 1}: syntax {kind}: {line.strip()[:120]}")
    else:
        print(f"{path}: {src.count(chr(10))} lines, no syntax errors")
sys.exit(1 if failed else 0)
