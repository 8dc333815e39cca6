"""``python -m lsp``: run the language server over stdio (``--tcp`` for TCP)."""

from lsp.server import main

main()
