import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { expandVariables, isBareCommand, resolveInterpreter, venvPython, type InterpreterInputs } from '../src/interpreter';

const base: InterpreterInputs = {
  configured: '',
  workspaceFolder: '/ws/proj',
  homedir: '/home/u',
  env: { VENV: '/opt/venv', EMPTY: '' },
  platform: 'linux',
  exists: () => false,
};

test('variables and ~ are expanded', () => {
  assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', base), '/ws/proj/.venv/bin/python');
  assert.equal(expandVariables('${userHome}/py', base), '/home/u/py');
  assert.equal(expandVariables('${env:VENV}/bin/python', base), '/opt/venv/bin/python');
  assert.equal(expandVariables('${env:MISSING}x', base), 'x');
  assert.equal(expandVariables('~/venv/bin/python', base), '/home/u/venv/bin/python');
  assert.equal(expandVariables('~', base), '/home/u');
  assert.equal(expandVariables('a~b', base), 'a~b');
  assert.equal(expandVariables('${workspaceFolder}', { ...base, workspaceFolder: undefined }), '${workspaceFolder}');
  assert.equal(expandVariables('${unknown}', base), '${unknown}');
});

const cases: [string, Partial<InterpreterInputs>, { command: string; source: string }][] = [
  ['setting, absolute', { configured: '/usr/bin/python3.11' }, { command: '/usr/bin/python3.11', source: 'setting' }],
  ['setting wins over the Python extension', { configured: '/a/python', pythonExtension: '/b/python' }, { command: '/a/python', source: 'setting' }],
  ['setting, bare name stays for PATH lookup', { configured: 'python3.12' }, { command: 'python3.12', source: 'setting' }],
  ['setting, relative to the workspace folder', { configured: '.venv/bin/python' }, { command: '/ws/proj/.venv/bin/python', source: 'setting' }],
  ['setting, relative without a folder', { configured: '.venv/bin/python', workspaceFolder: undefined }, { command: '.venv/bin/python', source: 'setting' }],
  ['setting with variables', { configured: '${workspaceFolder}/env/bin/python' }, { command: '/ws/proj/env/bin/python', source: 'setting' }],
  ['setting with ~', { configured: ' ~/m/bin/python ' }, { command: '/home/u/m/bin/python', source: 'setting' }],
  ['whitespace-only setting is empty', { configured: '   ', pythonExtension: '/b/python' }, { command: '/b/python', source: 'python-extension' }],
  ['Python extension', { pythonExtension: '/home/u/.pyenv/versions/3.11/bin/python' }, { command: '/home/u/.pyenv/versions/3.11/bin/python', source: 'python-extension' }],
  ['workspace .venv', { exists: (f: string) => f === '/ws/proj/.venv/bin/python' }, { command: '/ws/proj/.venv/bin/python', source: 'workspace-venv' }],
  ['workspace venv', { exists: (f: string) => f === '/ws/proj/venv/bin/python' }, { command: '/ws/proj/venv/bin/python', source: 'workspace-venv' }],
  ['.venv before venv', { exists: () => true }, { command: '/ws/proj/.venv/bin/python', source: 'workspace-venv' }],
  ['fallback python3', {}, { command: 'python3', source: 'default' }],
  ['fallback without a folder', { workspaceFolder: undefined, exists: () => true }, { command: 'python3', source: 'default' }],
  ['Windows fallback', { platform: 'win32', workspaceFolder: 'C:\\ws' }, { command: 'python', source: 'default' }],
  ['Windows venv', { platform: 'win32', workspaceFolder: 'C:\\ws', exists: (f: string) => f === 'C:\\ws\\.venv\\Scripts\\python.exe' }, { command: 'C:\\ws\\.venv\\Scripts\\python.exe', source: 'workspace-venv' }],
  ['Windows relative setting', { platform: 'win32', workspaceFolder: 'C:\\ws', configured: '.venv\\Scripts\\python.exe' }, { command: 'C:\\ws\\.venv\\Scripts\\python.exe', source: 'setting' }],
  ['Windows absolute setting', { platform: 'win32', workspaceFolder: 'C:\\ws', configured: 'D:\\py\\python.exe' }, { command: 'D:\\py\\python.exe', source: 'setting' }],
];
for (const [name, over, want] of cases) {
  test(`resolveInterpreter: ${name}`, () => {
    assert.deepEqual(resolveInterpreter({ ...base, ...over }), want);
  });
}

test('helpers', () => {
  assert.equal(isBareCommand('python3'), true);
  assert.equal(isBareCommand('./python'), false);
  assert.equal(isBareCommand('C:\\py\\python.exe'), false);
  assert.equal(venvPython('/x/.venv', 'darwin'), '/x/.venv/bin/python');
  assert.equal(venvPython('C:\\x\\.venv', 'win32'), 'C:\\x\\.venv\\Scripts\\python.exe');
});
