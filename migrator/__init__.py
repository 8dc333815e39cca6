"""T-SQL → Oracle 19c migration core.

Pipeline (one module per stage, CLI and language server are thin adapters):

    source      read bytes, decode, split GO batches, carry spans
    frontend    tokenize (sqlglot T-SQL tokenizer), segment statements without
                semicolons, parse procedural structure, delegate SQL to sqlglot
    catalog     whole-project facts: tables, columns, types, routines
    names       one project-wide identifier map (name-map.json)
    rulebook    the rule catalogue (package ``rules``), applied as Expr -> Expr
    backend     Oracle 19c generator that never emits non-Oracle syntax
    emit        render units, markers (TODO/NOTE), PL/SQL terminators
    pipeline    convert a file / a project; report; cache
"""

__version__ = "0.1.0"
