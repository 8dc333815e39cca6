"""Language server for T-SQL → Oracle migration (pygls 2.x): ``migrate lsp`` or ``python -m lsp``.

A thin adapter over the core (``migrator``): see ``lsp.engine`` (state, cache, analysis) and
``lsp.server`` (protocol). The core never imports this package.
"""
