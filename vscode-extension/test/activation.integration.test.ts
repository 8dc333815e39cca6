/**
 * The built bundle (dist/extension.js) activated against a stand-in `vscode` module: it resolves
 * the interpreter, starts the real language server through vscode-languageclient, gets the
 * server's commands registered, runs one through the middleware, restarts, and stops.
 * Skipped without a Python that has the server (see server.integration.test.ts).
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Module from 'node:module';
import { pathToFileURL } from 'node:url';

import { createFakeVscode } from './fakeVscode';

const ROOT = path.resolve(__dirname, '..', '..');
const REPO = path.resolve(ROOT, '..');

function findPython(): string | undefined {
  for (const c of [process.env.MIGRATE_TEST_PYTHON, path.join(REPO, '.venv', 'bin', 'python')]) {
    if (c && fs.existsSync(c) && spawnSync(c, ['-c', 'import pygls, lsp.server'], { cwd: REPO, timeout: 60_000 }).status === 0) return c;
  }
  return undefined;
}
const python = findPython();

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('activate → server running with its commands → showReport → restart → deactivate', { skip: python ? false : 'no Python with the language server', timeout: 120_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-act-'));
  const doc = path.join(ws, 'a.sql');
  fs.writeFileSync(doc, 'SELECT TOP 3 name FROM dbo.T\nGO\n');
  const { module: vscode, recorded } = createFakeVscode({
    folder: ws,
    settings: { interpreter: python, server: { env: { PYTHONPATH: REPO } }, validation: 'none' },
  });
  const load = (Module as unknown as { _load: (...a: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(path.join(ROOT, 'dist', 'extension.js'));
    await ext.activate(context);
    const log = () => recorded.output.join('\n');
    assert.match(log(), new RegExp(`Starting: ${python!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -m lsp \\(interpreter from the migrate.interpreter setting\\)`));
    await until(() => recorded.context.get('migrate.serverRunning') === true, 30_000, 'server running\n' + log());
    for (const c of ['migrate.convertFile', 'migrate.convertWorkspace', 'migrate.showReport', 'migrate.restartServer', 'migrate.showOutput']) {
      assert.ok(recorded.commands.has(c), `${c} registered`);
    }
    assert.deepEqual(recorded.messages.filter((m) => m.level !== 'info'), [], 'no warnings or errors');

    // Palette-style invocation with an explorer Uri: the middleware sends the URI string and shows the report.
    const uri = vscode.Uri.file(doc);
    await recorded.commands.get('migrate.showReport')!(uri, [uri]);
    const md = recorded.opened.find((o) => o.language === 'markdown');
    assert.ok(md?.content?.includes('a.sql'), JSON.stringify(recorded.opened) + log());
    assert.ok(recorded.executed.some((e) => e.command === 'markdown.showPreview'));

    // No active editor: convertFile explains instead of failing.
    await recorded.commands.get('migrate.convertFile')!();
    assert.ok(recorded.messages.some((m) => m.level === 'warning' && /Open a T-SQL file/.test(m.text)));

    await recorded.commands.get('migrate.restartServer')!();
    assert.match(log(), /Restarting the server: requested/);
    await until(() => recorded.context.get('migrate.serverRunning') === true && recorded.commands.has('migrate.convertFile'), 30_000, 'running again');
    assert.equal((log().match(/Starting: /g) ?? []).length, 2);

    await ext.deactivate();
    assert.equal(recorded.context.get('migrate.serverRunning'), false);
    assert.ok(!recorded.commands.has('migrate.convertFile'), 'server commands unregistered on stop');
    void pathToFileURL;
  } finally {
    (Module as unknown as { _load: unknown })._load = load;
    for (const d of context.subscriptions) d.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
