import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { buildServerCommand, describeEnv, formatCommandLine } from '../src/serverCommand';
import { DEFAULTS, normalizeSettings } from '../src/settings';

const ctx = { workspaceFolder: '/ws/proj', homedir: '/home/u', env: { HOME: '/home/u', TOOLS: '/opt/tools' }, baseEnv: { PATH: '/usr/bin', GONE: undefined } };

test('default: <python> -m lsp on stdio in the workspace folder', () => {
  const cmd = buildServerCommand('/ws/proj/.venv/bin/python', DEFAULTS, ctx);
  assert.equal(cmd.command, '/ws/proj/.venv/bin/python');
  assert.deepEqual(cmd.args, ['-m', 'lsp']);
  assert.equal(cmd.cwd, '/ws/proj');
  assert.deepEqual(cmd.env, { PATH: '/usr/bin', PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });
});

test('no --stdio or other transport flag is appended', () => {
  const cmd = buildServerCommand('python3', DEFAULTS, ctx);
  assert.ok(!cmd.args.some((a) => a.startsWith('--stdio') || a.startsWith('--pipe') || a.startsWith('--socket')));
});

test('custom args, env, cwd with variables', () => {
  const { settings } = normalizeSettings({ server: { args: ['-m', 'lsp', '--log', '${workspaceFolder}/lsp.log'], env: { MIGRATE_ORACLE_DSN: 'db/x', PYTHONUNBUFFERED: '0', P: '${env:TOOLS}/p' }, cwd: '${workspaceFolder}/sub' } });
  const cmd = buildServerCommand('python3', settings, ctx);
  assert.deepEqual(cmd.args, ['-m', 'lsp', '--log', '/ws/proj/lsp.log']);
  assert.equal(cmd.cwd, '/ws/proj/sub');
  assert.equal(cmd.env.MIGRATE_ORACLE_DSN, 'db/x');
  assert.equal(cmd.env.PYTHONUNBUFFERED, '0', 'the user may override');
  assert.equal(cmd.env.P, '/opt/tools/p');
});

test('server.command replaces interpreter and args', () => {
  const { settings } = normalizeSettings({ server: { command: ['~/bin/migrate', 'lsp'], args: ['ignored'] } });
  const cmd = buildServerCommand('/py', settings, ctx);
  assert.equal(cmd.command, '/home/u/bin/migrate');
  assert.deepEqual(cmd.args, ['lsp']);
});

test('no workspace folder: no cwd', () => {
  const cmd = buildServerCommand('python3', DEFAULTS, { ...ctx, workspaceFolder: undefined });
  assert.ok(!('cwd' in cmd));
});

test('command line for the output channel', () => {
  assert.equal(formatCommandLine({ command: '/usr/bin/python3', args: ['-m', 'lsp'] }), '/usr/bin/python3 -m lsp');
  assert.equal(formatCommandLine({ command: '/My Env/python', args: ["it's", ''] }), `'/My Env/python' 'it'\\''s' ''`);
  const { settings } = normalizeSettings({ server: { env: { B: '1', A: 'secret' } } });
  assert.equal(describeEnv(settings), 'A, B');
  assert.equal(describeEnv(DEFAULTS), '(none)');
});
