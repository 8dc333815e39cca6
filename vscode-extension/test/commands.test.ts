import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
  CONVERT_FILE,
  CONVERT_WORKSPACE,
  SHOW_REPORT,
  commandInvocations,
  countsText,
  interpretResult,
  joinUri,
  missingArgumentReason,
  missingCommands,
  reportMarkdown,
  toUriString,
} from '../src/commands';

const ctx = { activeDocumentUri: 'file:///ws/a.sql', workspaceFolderUris: ['file:///ws', 'file:///ws2'] };

test('palette invocation: the active document; the workspace needs no argument', () => {
  assert.deepEqual(commandInvocations(CONVERT_FILE, [], ctx), [['file:///ws/a.sql']]);
  assert.deepEqual(commandInvocations(SHOW_REPORT, [], ctx), [['file:///ws/a.sql']]);
  assert.deepEqual(commandInvocations(CONVERT_WORKSPACE, [], ctx), [[]]);
  assert.deepEqual(commandInvocations(CONVERT_FILE, [undefined], ctx), [['file:///ws/a.sql']]);
});

test('nothing to act on', () => {
  const none = { workspaceFolderUris: [] };
  assert.deepEqual(commandInvocations(CONVERT_FILE, [], none), []);
  assert.match(missingArgumentReason(CONVERT_FILE, []) ?? '', /Open a T-SQL file/);
  assert.match(missingArgumentReason(CONVERT_WORKSPACE, commandInvocations(CONVERT_WORKSPACE, [], none)) ?? '', /Open a folder/);
  assert.equal(missingArgumentReason(CONVERT_FILE, [['file:///x.sql']]), undefined);
});

test('explorer invocation: the clicked file, or one call per selected file', () => {
  assert.deepEqual(commandInvocations(CONVERT_FILE, ['file:///ws/b.sql', ['file:///ws/b.sql']], ctx), [['file:///ws/b.sql']]);
  assert.deepEqual(commandInvocations(CONVERT_FILE, ['file:///ws/b.sql', ['file:///ws/b.sql', 'file:///ws/c.sql']], ctx), [['file:///ws/b.sql'], ['file:///ws/c.sql']]);
  assert.deepEqual(commandInvocations(SHOW_REPORT, ['file:///ws/b.sql', ['file:///ws/b.sql', 'file:///ws/c.sql']], ctx), [['file:///ws/b.sql']]);
  assert.deepEqual(commandInvocations(CONVERT_FILE, ['file:///ws/b.sql'], ctx), [['file:///ws/b.sql']]);
});

test('explicit arguments (e.g. from a keybinding) are passed through', () => {
  assert.deepEqual(commandInvocations(CONVERT_FILE, [{ uri: 'file:///x.sql' }], ctx), [[{ uri: 'file:///x.sql' }]]);
  assert.deepEqual(commandInvocations(CONVERT_WORKSPACE, [{ output: 'out' }], ctx), [[{ output: 'out' }]]);
  assert.deepEqual(commandInvocations(CONVERT_WORKSPACE, ['file:///ws/sub', ['file:///ws/sub']], ctx), [[]]);
  assert.deepEqual(commandInvocations('migrate.other', [1, 2], ctx), [[1, 2]]);
});

test('commands the server did not advertise', () => {
  assert.deepEqual(missingCommands(undefined), [CONVERT_FILE, CONVERT_WORKSPACE, SHOW_REPORT]);
  assert.deepEqual(missingCommands([CONVERT_FILE, 'migrate.applyFix']), [CONVERT_WORKSPACE, SHOW_REPORT]);
  assert.deepEqual(missingCommands([CONVERT_FILE, CONVERT_WORKSPACE, SHOW_REPORT]), []);
});

test('paths become file URIs', () => {
  assert.equal(toUriString('/ws/a b.sql'), 'file:///ws/a%20b.sql');
  assert.equal(toUriString('C:\\ws\\a.sql'), 'file:///c%3A/ws/a.sql');
  assert.equal(toUriString('file:///ws/a.sql'), 'file:///ws/a.sql');
  assert.equal(joinUri('/ws/oracle', 'migration-report.html'), 'file:///ws/oracle/migration-report.html');
  assert.equal(joinUri('file:///ws/oracle/', 'r.json'), 'file:///ws/oracle/r.json');
});

test('counts', () => {
  assert.equal(countsText({ converted: 3, caveats: 1, marked: 2, failed: 0 }), '3 converted, 1 with caveats, 2 marked TODO, 0 failed');
  assert.equal(countsText(null), '');
});

const results: [string, string, unknown, unknown[]][] = [
  ['nothing', CONVERT_FILE, null, []],
  ['a URI', CONVERT_FILE, 'file:///ws/a.oracle.sql', [{ kind: 'open', uri: 'file:///ws/a.oracle.sql' }]],
  ['a path', SHOW_REPORT, '/ws/r.html', [{ kind: 'open', uri: 'file:///ws/r.html' }]],
  ['a plain message', 'migrate.other', 'Done', [{ kind: 'message', text: 'Done', level: 'info' }]],
  ['an error', CONVERT_FILE, { error: 'cannot read' }, [{ kind: 'message', text: 'cannot read', level: 'error' }]],
  ['an array is ignored', CONVERT_FILE, [1, 2], []],
  ['convertFile applied and converted: the server showed the file', CONVERT_FILE,
    { uri: 'file:///ws/a.oracle.sql', content: 'SELECT 1 FROM DUAL;', applied: true, status: 'converted' }, []],
  ['convertFile not applied: content in a new editor', CONVERT_FILE,
    { uri: 'untitled:a.oracle.sql', content: 'SELECT 1 FROM DUAL;', applied: false, status: 'converted' },
    [{ kind: 'show', content: 'SELECT 1 FROM DUAL;', language: 'sql' }]],
  ['convertFile with TODOs warns', CONVERT_FILE,
    { uri: 'file:///ws/a%20b.oracle.sql', content: 'x', applied: true, status: 'marked' },
    [{ kind: 'message', text: 'a b.oracle.sql: partly converted: some statements are left as MIGRATION TODO.', level: 'warning' }]],
  ['convertFile with caveats informs', CONVERT_FILE,
    { uri: 'file:///ws/a.oracle.sql', content: 'x', applied: true, status: 'caveats' },
    [{ kind: 'message', text: 'a.oracle.sql: converted with caveats (see the MIGRATION NOTE comments).', level: 'info' }]],
  ['convertWorkspace done', CONVERT_WORKSPACE,
    { output: '/ws/oracle', cancelled: false, files: 2, summary: { files: { converted: 1, caveats: 1, marked: 0, failed: 0 } }, report: '/ws/oracle/migration-report.json' },
    [{ kind: 'message', level: 'info', text: 'Converted 2 files into /ws/oracle: 1 converted, 1 with caveats, 0 marked TODO, 0 failed.',
      actions: [{ title: 'Open HTML Report', uri: 'file:///ws/oracle/migration-report.html' }, { title: 'Open JSON Report', uri: 'file:///ws/oracle/migration-report.json' }] }]],
  ['convertWorkspace with failures warns', CONVERT_WORKSPACE,
    { output: '/ws/o', cancelled: false, files: 1, summary: { files: { converted: 0, caveats: 0, marked: 0, failed: 1 } } },
    [{ kind: 'message', level: 'warning', text: 'Converted 1 file into /ws/o: 0 converted, 0 with caveats, 0 marked TODO, 1 failed.',
      actions: [{ title: 'Open HTML Report', uri: 'file:///ws/o/migration-report.html' }] }]],
  ['convertWorkspace cancelled', CONVERT_WORKSPACE, { output: '/ws/o', cancelled: true }, [{ kind: 'message', text: 'Workspace conversion cancelled.', level: 'warning' }]],
  ['showReport of something unknown is JSON', SHOW_REPORT, { x: 1 }, [{ kind: 'show', content: '{\n  "x": 1\n}', language: 'json' }]],
];
for (const [name, cmd, result, want] of results) {
  test(`result: ${name}`, () => {
    assert.deepEqual(interpretResult(cmd, result), want);
  });
}

test('report of one document as Markdown', () => {
  const md = reportMarkdown({
    path: '/ws/p.sql', status: 'marked', uri: 'file:///ws/p.sql', diagnostics: 2,
    units: [
      { kind: 'procedure', name: 'dbo.P', status: 'marked', line: 3, events: [
        { rule: 'TS0100', severity: 'info', message: 'type mapped' },
        { rule: 'TS0273', severity: 'todo', message: 'sys.objects | catalog' },
      ] },
      { kind: 'table', name: 'T', status: 'converted', line: 20, events: [] },
    ],
  });
  assert.equal(md, [
    '# Migration report', '',
    '## /ws/p.sql', '',
    'Status: **marked** (partly converted: some statements are left as MIGRATION TODO); 2 diagnostics', '',
    '| line | kind | name | status | notes and TODOs |',
    '| ---: | --- | --- | --- | --- |',
    '| 3 | procedure | dbo.P | marked | TODO `TS0273` sys.objects \\| catalog |',
    '| 20 | table | T | converted |  |',
    '',
  ].join('\n'));
});

test('report of open documents and the workspace as Markdown', () => {
  const md = reportMarkdown({ documents: [{ path: '/ws/a.sql', status: 'converted', units: [] }], workspace: { files: { converted: 4, caveats: 0, marked: 1, failed: 0 } } }) ?? '';
  assert.match(md, /## Last workspace conversion\n\nFiles: 4 converted, 0 with caveats, 1 marked TODO, 0 failed/);
  assert.match(md, /## \/ws\/a\.sql\n\nStatus: \*\*converted\*\*/);
  assert.match(reportMarkdown({ documents: [], workspace: null }) ?? '', /No open T-SQL documents/);
  assert.equal(reportMarkdown('x'), undefined);
});
