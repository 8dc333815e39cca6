"""DML that hands values back to a routine: UPDATE … SET @v = …, OUTPUT … INTO, SCOPE_IDENTITY().

T-SQL semantics (UPDATE, Microsoft docs): ``SET @v = column = expression`` sets the variable
to the column's new value; ``SET @v = column`` sets it to the value *before* the update;
with no row updated the variable keeps its value; with several rows it holds one row's value.
Oracle's ``RETURNING … INTO`` gives values after the update, and leaves its targets
undefined when no row changed.

T-SQL::

    UPDATE district SET @tax = d_tax, @o_id = d_next_o_id,
                        @next = d_next_o_id = d_next_o_id + 1
    WHERE d_id = @d

Oracle (inside PL/SQL)::

    UPDATE DISTRICT SET D_NEXT_O_ID = D_NEXT_O_ID + 1 WHERE D_ID = p_d
    RETURNING D_TAX, D_NEXT_O_ID - 1, D_NEXT_O_ID INTO v_ret1, v_ret2, v_ret3;
    IF SQL%ROWCOUNT > 0 THEN v_tax := v_ret1; v_o_id := v_ret2; v_next := v_ret3; END IF;

- a value before the update of a column updated as ``col = col ± k`` → ``col ∓ k``;
  any other value before the update, or a running total ``@t = @t + x``, → a locking loop
  over the same rows before the UPDATE (``FOR r IN (SELECT … FOR UPDATE) LOOP … END LOOP``),
  which keeps T-SQL's no-row / several-row behaviour;
- ``OUTPUT … INTO table [(cols)]`` → ``RETURNING … BULK COLLECT INTO`` a collection of the
  table's rows (or of its columns) and ``FORALL i … INSERT``; ``OUTPUT`` to the client,
  into a table variable or a temp table, and ``deleted.`` values of updated columns → TODO;
- ``INSERT … VALUES`` into a table with an identity column, in a batch that reads
  ``SCOPE_IDENTITY()`` / ``@@IDENTITY`` → ``RETURNING id INTO v_identity``, and those read
  ``v_identity``; after ``INSERT … SELECT`` (several identities) they are TODO;
- ``UPDATE/DELETE … WHERE CURRENT OF c`` → the same clause, and the cursor is declared
  ``FOR UPDATE`` (Oracle requires it; T-SQL cursors are updatable by default).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0691", "procedural.dml_returning", "procedural", __doc__)


@transform(RULE, exp.Anonymous, order="pre")
def scope_identity(node, ctx):
    if node.name.upper() != "SCOPE_IDENTITY":
        return node
    variables = getattr(ctx, "variables", None)
    if not variables:
        return node  # plain SQL: TS0270 marks it
    if "@identity" in variables:
        ctx.fixed(RULE, node, "SCOPE_IDENTITY() → the id returned by the INSERT (RETURNING … INTO)")
        return exp.Var(this=variables["@identity"])
    if "@identity_unknown" in variables:
        ctx.todo(RULE, node, "SCOPE_IDENTITY() after an INSERT of several rows: RETURNING … BULK COLLECT INTO by hand")
    ctx.todo(RULE, node, "SCOPE_IDENTITY() without a preceding INSERT … VALUES into a table whose identity column "
                         "the project declares")
