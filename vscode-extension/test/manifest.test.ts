/** package.json (the extension manifest) agrees with the code, and the bundle loads. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';

import { CLIENT_COMMANDS, SERVER_COMMANDS } from '../src/commands';
import { DEFAULTS, GUID, IDENTITY, LONG_STRING, RESULT_SETS, SECTION, TEMP_TABLES, TRACE, VALIDATION_MODES } from '../src/settings';

// out/test/*.js -> vscode-extension
const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const props: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;

function leaves(o: Record<string, unknown>, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    const key = `${prefix}.${k}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0) leaves(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
  return out;
}

test('every setting the code reads is contributed, with its default, and nothing else', () => {
  const want = leaves(DEFAULTS as unknown as Record<string, unknown>, SECTION, new Map());
  assert.deepEqual(Object.keys(props).sort(), [...want.keys()].sort());
  for (const [key, dflt] of want) assert.deepEqual(props[key].default, dflt, key);
});

test('every setting has a description and a type', () => {
  for (const [key, p] of Object.entries(props)) {
    const d = (p.markdownDescription ?? p.description) as string | undefined;
    assert.ok(d && d.length > 20, `${key} has no description`);
    assert.ok(typeof p.type === 'string', `${key} has no type`);
  }
});

test('enums match the values the code accepts', () => {
  const enums: Record<string, readonly string[]> = {
    'migrate.validation': VALIDATION_MODES,
    'migrate.strategies.longString': LONG_STRING,
    'migrate.strategies.guid': GUID,
    'migrate.strategies.identity': IDENTITY,
    'migrate.strategies.resultSets': RESULT_SETS,
    'migrate.strategies.tempTables': TEMP_TABLES,
    'migrate.trace.server': TRACE,
  };
  for (const [key, values] of Object.entries(enums)) {
    assert.deepEqual([...(props[key].enum as string[])].sort(), [...values].sort(), key);
    const descriptions = props[key].enumDescriptions as string[] | undefined;
    if (key !== 'migrate.trace.server') assert.equal(descriptions?.length, values.length, `${key} enumDescriptions`);
  }
});

test('commands: contributed, titled, and the menus use only those', () => {
  const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, [...SERVER_COMMANDS, ...CLIENT_COMMANDS].sort());
  for (const c of pkg.contributes.commands) assert.ok(c.title && c.category, c.command);
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
    for (const item of items) assert.ok(contributed.includes(item.command), `${menu}: ${item.command}`);
  }
});

test('manifest fields vsce needs to package offline without prompts', () => {
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.publisher && pkg.name && pkg.version && pkg.license);
  assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
  const typesVscode = pkg.devDependencies['@types/vscode'].replace(/^[\^~]/, '');
  assert.equal(pkg.engines.vscode.slice(1), typesVscode, '@types/vscode must not be newer than engines.vscode');
  assert.match(pkg.scripts.package, /vsce package --no-dependencies/);
  assert.ok(fs.existsSync(path.join(ROOT, 'LICENSE')));
  assert.ok(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').length > 500, 'README for the marketplace page');
  for (const id of DEFAULTS.languageIds) assert.ok(pkg.activationEvents.includes(`onLanguage:${id}`), id);
});

test('the bundle needs only vscode and node built-ins, and exports activate/deactivate', () => {
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  assert.ok(fs.existsSync(bundle), 'run `node esbuild.mjs` first (npm test does)');
  const text = fs.readFileSync(bundle, 'utf8');
  const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  const builtins = new Set(Module.builtinModules);
  for (const r of required) assert.ok(r === 'vscode' || builtins.has(r.replace(/^node:/, '')), `bundle requires ${r}`);
  // Load it with a stand-in for the vscode module (nothing runs before activate()).
  const resolve = (Module as unknown as { _resolveFilename: (...a: unknown[]) => string })._resolveFilename;
  const stub = path.join(ROOT, 'out', 'vscode-stub.js');
  fs.writeFileSync(stub, 'module.exports = new Proxy({}, { get: (_t, k) => (k === "__esModule" ? false : function () {}) });\n');
  (Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle);
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  } finally {
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = resolve;
  }
});
