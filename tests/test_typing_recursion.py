"""Type inference over a recursive CTE must terminate quickly (it once branched without end)."""

import signal

from migrator.api import convert_text

SQL = """
CREATE TABLE dbo.bom (parent int, child int, qty decimal(10,2), name nvarchar(50))
GO
CREATE VIEW dbo.v AS
WITH r AS (
  SELECT parent, child, qty, name, 1 AS lvl, CAST(name AS nvarchar(400)) AS path FROM dbo.bom WHERE parent IS NULL
  UNION ALL
  SELECT b.parent, b.child, r.qty * b.qty + r.qty - 1, b.name, r.lvl + 1,
         CAST(r.path + ' > ' + b.name + ' > ' + r.name AS nvarchar(400))
  FROM r JOIN dbo.bom b ON b.parent = r.child
  WHERE r.name = b.name AND r.path <> b.name AND r.lvl + r.lvl * 2 < 10
)
SELECT lvl + lvl + lvl AS l3, path + ' / ' + name AS p FROM r
"""


def test_recursive_cte_inference_terminates():
    def boom(*_):
        raise TimeoutError("type inference did not terminate")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(20)
    try:
        res = convert_text(SQL)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert "CREATE OR REPLACE VIEW V AS" in res.output
