import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
  DEFAULTS,
  RESTART_KEYS,
  configurationItem,
  needsRestart,
  normalizeSettings,
  toInitializationOptions,
  toServerSettings,
} from '../src/settings';

test('empty or missing section gives the defaults and no problems', () => {
  for (const raw of [undefined, null, {}, 'nonsense', 42, []]) {
    const { settings, problems } = normalizeSettings(raw);
    assert.deepEqual(settings, DEFAULTS);
    assert.deepEqual(problems, []);
  }
});

test('defaults are not shared with the result (no aliasing)', () => {
  const { settings } = normalizeSettings({});
  settings.server.args.push('--x');
  settings.languageIds.push('y');
  assert.deepEqual(DEFAULTS.server.args, ['-m', 'lsp']);
  assert.ok(!DEFAULTS.languageIds.includes('y'));
});

test('nested VS Code section is read', () => {
  const { settings, problems } = normalizeSettings({
    interpreter: '  ~/venvs/m/bin/python ',
    server: { args: ['-m', 'lsp', '--log-level', 'debug'], command: ['migrate', 'lsp', ''], env: { A: 'x', N: 3, B: { no: 1 } }, cwd: ' /src ' },
    validation: 'oracle',
    names: { variablePrefix: 'l_', parameterPrefix: 'i_', schemaMap: { dbo: '' }, overrides: { Orders: 'SALES_ORDERS' }, nameMapFile: 'names.json' },
    strategies: { longString: 'varchar2_32767', guid: 'varchar36', identity: 'always', resultSets: 'refcursor', tempTables: 'collection' },
    disableRules: [' ts0100 ', ''],
    schemaFiles: ['schema/'],
    oracleFolders: ['ora', 'out'],
    outputFolder: 'target',
    showInfo: false,
    model: { endpoint: ' http://localhost:8000/v1 ' },
    languageIds: ['sql'],
    trace: { server: 'verbose' },
  });
  assert.deepEqual(problems, []);
  assert.equal(settings.interpreter, '~/venvs/m/bin/python');
  assert.deepEqual(settings.server, { args: ['-m', 'lsp', '--log-level', 'debug'], command: ['migrate', 'lsp'], env: { A: 'x', N: '3' }, cwd: '/src' });
  assert.equal(settings.validation, 'oracle');
  assert.deepEqual(settings.names, { variablePrefix: 'l_', parameterPrefix: 'i_', schemaMap: { dbo: '' }, overrides: { Orders: 'SALES_ORDERS' }, nameMapFile: 'names.json' });
  assert.deepEqual(settings.strategies, { longString: 'varchar2_32767', guid: 'varchar36', identity: 'always', resultSets: 'refcursor', tempTables: 'collection' });
  assert.deepEqual(settings.disableRules, ['TS0100']);
  assert.deepEqual(settings.oracleFolders, ['ora', 'out']);
  assert.equal(settings.outputFolder, 'target');
  assert.equal(settings.showInfo, false);
  assert.equal(settings.model.endpoint, 'http://localhost:8000/v1');
  assert.deepEqual(settings.languageIds, ['sql']);
  assert.equal(settings.trace.server, 'verbose');
});

const badEnums: [string, Record<string, unknown>][] = [
  ['validation', { validation: 'online' }],
  ['strategies.longString', { strategies: { longString: 'text' } }],
  ['strategies.guid', { strategies: { guid: 'uuid' } }],
  ['strategies.identity', { strategies: { identity: 'sometimes' } }],
  ['strategies.resultSets', { strategies: { resultSets: 1 } }],
  ['strategies.tempTables', { strategies: { tempTables: 'heap' } }],
  ['trace.server', { trace: { server: 'loud' } }],
];
for (const [key, raw] of badEnums) {
  test(`invalid ${key} falls back to the default and is reported`, () => {
    const { settings, problems } = normalizeSettings(raw);
    assert.deepEqual(settings, DEFAULTS);
    assert.equal(problems.length, 1);
    assert.match(problems[0], new RegExp(`^migrate\\.${key.replace('.', '\\.')}: `));
  });
}

test('wrong types fall back to defaults', () => {
  const { settings } = normalizeSettings({ interpreter: 3, server: { args: 'x', command: [1] }, names: 'v_', outputFolder: '  ', showInfo: 'no', languageIds: [1] });
  assert.deepEqual(settings, DEFAULTS);
});

test('server settings exclude the launch settings (the server reports unknown keys)', () => {
  const { settings } = normalizeSettings({ interpreter: '/py', server: { env: { SECRET: 'x' } }, trace: { server: 'verbose' } });
  const s = toServerSettings(settings) as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(s).sort(), ['disableRules', 'model', 'names', 'oracleFolders', 'outputFolder', 'schemaFiles', 'showInfo', 'strategies', 'validation']);
  assert.ok(!JSON.stringify(s).includes('SECRET'));
});

test('initializationOptions for the defaults (the exact shape lsp/settings.py parses)', () => {
  assert.deepEqual(toInitializationOptions(DEFAULTS), {
    validation: 'offline',
    names: { variablePrefix: 'v_', parameterPrefix: 'p_', schemaMap: {}, overrides: {} },
    strategies: { longString: 'clob', guid: 'raw16', identity: 'by_default', resultSets: 'implicit', tempTables: 'gtt' },
    disableRules: [],
    schemaFiles: [],
    oracleFolders: ['oracle'],
    outputFolder: 'oracle',
    showInfo: true,
    model: {},
  });
});

test('model settings: an endpoint alone means an OpenAI-compatible server; bad values fall back', () => {
  const { settings, problems } = normalizeSettings({ model: { endpoint: 'http://127.0.0.1:8000/v1', model: 'tsql2ora', candidates: 3 } });
  assert.deepEqual(problems, []);
  assert.deepEqual(toServerSettings(settings).model, { backend: 'openai', model: 'tsql2ora', endpoint: 'http://127.0.0.1:8000/v1', candidates: 3 });
  const bad = normalizeSettings({ model: { backend: 'gpt', candidates: 0, adapter: ' /a ' } });
  assert.equal(bad.settings.model.backend, '');
  assert.equal(bad.settings.model.candidates, 1);
  assert.ok(bad.problems.some((p) => p.includes('model.backend')));
  assert.deepEqual(toServerSettings(bad.settings).model, {});
  const local = normalizeSettings({ model: { backend: 'transformers', model: '/models/m', adapter: '/runs/a' } }).settings;
  assert.deepEqual(toServerSettings(local).model, { backend: 'transformers', model: '/models/m', adapter: '/runs/a', candidates: 1 });
});

test('nameMapFile is sent only when set', () => {
  const { settings } = normalizeSettings({ names: { nameMapFile: 'map.json' } });
  assert.equal(toServerSettings(settings).names.nameMapFile, 'map.json');
  assert.ok(!('nameMapFile' in toServerSettings(DEFAULTS).names));
});

test('workspace/configuration answers: whole section, sub-paths, other sections', () => {
  const { settings } = normalizeSettings({ validation: 'none', strategies: { guid: 'varchar36' } });
  assert.deepEqual(configurationItem('migrate', settings), { ours: true, value: toServerSettings(settings) });
  assert.deepEqual(configurationItem('migrate.validation', settings), { ours: true, value: 'none' });
  assert.deepEqual(configurationItem('migrate.strategies.guid', settings), { ours: true, value: 'varchar36' });
  assert.deepEqual(configurationItem('migrate.interpreter', settings), { ours: true, value: null });
  assert.deepEqual(configurationItem('migrate.nope.deeper', settings), { ours: true, value: null });
  assert.equal(configurationItem('python', settings).ours, false);
  assert.equal(configurationItem('migrateX', settings).ours, false);
  assert.equal(configurationItem(undefined, settings).ours, false);
});

test('restart on launch and conversion settings, not on trace', () => {
  const affects = (changed: string) => (s: string) => changed === s || changed.startsWith(s + '.');
  for (const k of ['migrate.interpreter', 'migrate.server.args', 'migrate.server.env', 'migrate.validation', 'migrate.strategies.guid', 'migrate.names.variablePrefix', 'migrate.model.endpoint', 'migrate.languageIds']) {
    assert.equal(needsRestart(affects(k)), true, k);
  }
  assert.equal(needsRestart(affects('migrate.trace.server')), false);
  assert.equal(needsRestart(affects('python.defaultInterpreterPath')), false);
  assert.ok(RESTART_KEYS.every((k) => k.startsWith('migrate.')));
});
