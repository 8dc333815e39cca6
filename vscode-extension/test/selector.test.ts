import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { documentSelector, isSqlFileName, sqlGlob } from '../src/selector';

test('language ids on file and untitled, plus the SQL file glob', () => {
  assert.deepEqual(documentSelector(['sql', 'tsql']), [
    { scheme: 'file', language: 'sql' },
    { scheme: 'untitled', language: 'sql' },
    { scheme: 'file', language: 'tsql' },
    { scheme: 'untitled', language: 'tsql' },
    { scheme: 'file', pattern: '**/*.{sql,pks,pkb,tps,tpb,pls,plb,prc,fnc,trg,vw,ddl,plsql}' },
  ]);
});

test('duplicates and blanks are dropped; the glob is always there', () => {
  assert.deepEqual(documentSelector([' sql', 'sql', '']), [
    { scheme: 'file', language: 'sql' },
    { scheme: 'untitled', language: 'sql' },
    { scheme: 'file', pattern: sqlGlob() },
  ]);
  assert.deepEqual(documentSelector([]), [{ scheme: 'file', pattern: sqlGlob() }]);
});

test('every filter has a scheme (never git: or output: documents)', () => {
  for (const f of documentSelector(['sql', 'plsql'])) assert.ok(['file', 'untitled'].includes(f.scheme));
});

test('SQL file names', () => {
  for (const n of ['a.sql', 'B.SQL', 'pkg.pkb', 'x.oracle.sql', 'y.plsql']) assert.equal(isSqlFileName(n), true, n);
  for (const n of ['a.sqlx', 'sql', 'a.txt', 'a.sql.bak']) assert.equal(isSqlFileName(n), false, n);
});
