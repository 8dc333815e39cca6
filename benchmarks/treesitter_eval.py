"""How well does the PyPI tree-sitter SQL grammar read real T-SQL? Prints counts and time.

usage: python benchmarks/treesitter_eval.py CORPUS_DIR
Needs the `editor` extra (tree-sitter, tree-sitter-sql).
"""

import os
import sys
import time

import tree_sitter
import tree_sitter_sql


def main(root: str) -> None:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_sql.language()))
    files = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "_original"]
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".sql")]
    errors = 0
    size = 0
    t0 = time.perf_counter()
    for f in sorted(files):
        data = open(f, "rb").read()
        size += len(data)
        if parser.parse(data).root_node.has_error:
            errors += 1
    secs = time.perf_counter() - t0
    print(f"{len(files)} files, {size} bytes, {errors} with ERROR nodes ({100 * errors / max(1, len(files)):.1f}%), "
          f"{secs:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/tsql")
