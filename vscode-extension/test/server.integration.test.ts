/**
 * The client's half of the protocol against the real language server (`python -m lsp` from this
 * repository): the command line the extension builds, the initializationOptions and the
 * workspace/configuration answers it sends (the server must report no unknown or bad setting),
 * the commands it expects the server to offer, and the shapes of their results.
 *
 * VS Code itself cannot run here, so this speaks JSON-RPC directly (vscode-jsonrpc, the library
 * vscode-languageclient uses) and answers server requests the way the extension's middleware
 * does. Skipped when no Python with the server is found: set MIGRATE_TEST_PYTHON, or create
 * ../.venv with `pip install -e '.[editor]'`.
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

import { CONVERT_FILE, CONVERT_WORKSPACE, SHOW_REPORT, interpretResult, missingCommands, reportMarkdown } from '../src/commands';
import { resolveInterpreter } from '../src/interpreter';
import { documentSelector } from '../src/selector';
import { buildServerCommand } from '../src/serverCommand';
import { configurationItem, normalizeSettings, toInitializationOptions } from '../src/settings';

// out/test/*.js -> vscode-extension -> repository root
const REPO = path.resolve(__dirname, '..', '..', '..');

function findPython(): string | undefined {
  const candidates = [process.env.MIGRATE_TEST_PYTHON, path.join(REPO, '.venv', 'bin', 'python'), path.join(REPO, '.venv', 'Scripts', 'python.exe')];
  for (const c of candidates) {
    if (!c || !fs.existsSync(c)) continue;
    const r = spawnSync(c, ['-c', 'import pygls, lsp.server'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return c;
  }
  return undefined;
}

const python = findPython();

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

test('the extension and the language server agree (python -m lsp over stdio)', { skip: python ? false : 'no Python with the language server (set MIGRATE_TEST_PYTHON)', timeout: 120_000 }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-ext-'));
  try {
    fs.mkdirSync(path.join(ws, 'src'));
    const docPath = path.join(ws, 'src', 'orders.sql');
    const docText = 'CREATE TABLE dbo.Orders (id INT IDENTITY(1,1) PRIMARY KEY, note NVARCHAR(50))\nGO\nSELECT TOP 5 id FROM dbo.Orders\nGO\n';
    fs.writeFileSync(docPath, docText);
    const docUri = pathToFileURL(docPath).toString();
    const wsUri = pathToFileURL(ws).toString();

    // Non-default values everywhere the server parses them: any "unknown setting" or bad value
    // would come back as a window/showMessage warning.
    const { settings, problems } = normalizeSettings({
      interpreter: python,
      server: { env: { MIGRATE_EXT_TEST: '1' } },
      validation: 'none',
      names: { variablePrefix: 'l_', parameterPrefix: 'i_', schemaMap: { dbo: '' }, overrides: { Orders: 'SALES_ORDERS' } },
      strategies: { longString: 'varchar2_32767', guid: 'varchar36', identity: 'always', resultSets: 'refcursor', tempTables: 'gtt' },
      disableRules: ['TS9999'],
      oracleFolders: ['oracle', 'plsql'],
      outputFolder: 'out-oracle',
      showInfo: true,
      model: { endpoint: 'http://127.0.0.1:9/v1', model: 'tsql2ora', candidates: 2 },
      trace: { server: 'verbose' },
    });
    assert.deepEqual(problems, []);
    const interp = resolveInterpreter({ configured: settings.interpreter, workspaceFolder: ws, homedir: os.homedir(), env: process.env, platform: process.platform, exists: fs.existsSync });
    assert.equal(interp.source, 'setting');
    const cmd = buildServerCommand(interp.command, settings, { workspaceFolder: ws, homedir: os.homedir(), env: process.env, baseEnv: process.env });
    // The server imports from the repository checkout (editable install or PYTHONPATH).
    cmd.env.PYTHONPATH = [REPO, cmd.env.PYTHONPATH].filter(Boolean).join(path.delimiter);

    const proc = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const messages: { type: number; message: string }[] = [];
    const diagnostics = new Map<string, unknown[]>();
    let diagnosed: (() => void) | undefined;
    const firstDiagnostics = new Promise<void>((resolve) => { diagnosed = resolve; });
    const configRequests: unknown[] = [];

    let answerRaw: unknown;
    conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
      configRequests.push(params);
      if (answerRaw !== undefined) return params.items.map(() => answerRaw);
      // What the extension's middleware answers.
      return params.items.map((i) => configurationItem(i.section, settings).value);
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/applyEdit', () => ({ applied: false }));
    conn.onRequest('window/showDocument', () => ({ success: true }));
    conn.onNotification('$/progress', () => undefined);
    conn.onNotification('window/logMessage', () => undefined);
    conn.onNotification('window/showMessage', (p: { type: number; message: string }) => { messages.push(p); });
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
      diagnostics.set(p.uri, p.diagnostics);
      if (p.uri === docUri) diagnosed?.();
    });
    conn.listen();

    try {
      const init = await withTimeout(conn.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'vscode-extension-test' },
        rootUri: wsUri,
        workspaceFolders: [{ uri: wsUri, name: 'ws' }],
        initializationOptions: toInitializationOptions(settings),
        capabilities: {
          workspace: { configuration: true, applyEdit: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
          window: { workDoneProgress: true, showDocument: { support: true } },
          textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { didSave: true } },
        },
      }) as Promise<{ capabilities: { executeCommandProvider?: { commands: string[] }; textDocumentSync?: unknown } }>, 60_000, 'initialize');

      // Every server command the extension contributes is offered.
      assert.deepEqual(missingCommands(init.capabilities.executeCommandProvider?.commands), []);

      await conn.sendNotification('initialized', {});
      // A document the selector covers (language id sql).
      assert.ok(documentSelector(settings.languageIds).some((f) => f.language === 'sql'));
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'sql', version: 1, text: docText } });
      await withTimeout(firstDiagnostics, 60_000, 'publishDiagnostics');
      assert.ok(Array.isArray(diagnostics.get(docUri)));
      assert.ok(configRequests.length >= 1, 'the server pulls the migrate section');

      const converted = await withTimeout(conn.sendRequest('workspace/executeCommand', { command: CONVERT_FILE, arguments: [docUri] }), 60_000, CONVERT_FILE) as Record<string, unknown>;
      assert.equal(typeof converted.content, 'string');
      assert.match(converted.content as string, /FETCH FIRST 5 ROWS ONLY/);
      // Our settings reached the converter: the schema map dropped dbo, the override renamed Orders.
      assert.match(converted.content as string, /SALES_ORDERS/);
      assert.match(converted.content as string, /GENERATED ALWAYS AS IDENTITY/);
      const actions = interpretResult(CONVERT_FILE, converted);
      assert.equal(actions[0]?.kind, 'show', JSON.stringify(actions));

      const report = await withTimeout(conn.sendRequest('workspace/executeCommand', { command: SHOW_REPORT, arguments: [docUri] }), 60_000, SHOW_REPORT);
      const md = reportMarkdown(report);
      assert.ok(md && md.startsWith('# Migration report'), JSON.stringify(report));
      assert.match(md, /orders\.sql/);

      const all = await withTimeout(conn.sendRequest('workspace/executeCommand', { command: CONVERT_WORKSPACE, arguments: [] }), 120_000, CONVERT_WORKSPACE) as Record<string, unknown>;
      assert.equal(all.output, path.join(ws, 'out-oracle'));
      const [msg] = interpretResult(CONVERT_WORKSPACE, all);
      assert.equal(msg.kind, 'message');
      assert.match((msg as { text: string }).text, /^Converted 1 file into /);
      assert.ok(fs.existsSync(path.join(ws, 'out-oracle', 'src', 'orders.sql')));
      assert.ok(fs.existsSync(path.join(ws, 'out-oracle', 'migration-report.html')));

      assert.deepEqual(messages.filter((m) => /setting/i.test(m.message)), [], 'the server accepted every setting');

      // The check above can fail: a key the server does not know is reported.
      let warned: (() => void) | undefined;
      const warning = new Promise<void>((resolve) => { warned = resolve; });
      conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
        messages.push(p);
        if (/unknown setting migrate\.notASetting/.test(p.message)) warned?.();
      });
      answerRaw = { validation: 'none', notASetting: 1 };
      await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await withTimeout(warning, 30_000, 'unknown-setting warning');

      await withTimeout(conn.sendRequest('shutdown'), 10_000, 'shutdown');
      await conn.sendNotification('exit');
    } catch (e) {
      if (stderr) console.error(stderr);
      throw e;
    } finally {
      conn.dispose();
      if (proc.exitCode === null) proc.kill();
    }
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
