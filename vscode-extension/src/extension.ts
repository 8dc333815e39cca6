/**
 * VS Code client of the T-SQL → Oracle migration language server (`python -m lsp`, stdio).
 *
 * The pure parts (settings, interpreter resolution, command line, document selector, command
 * arguments and results) live in modules without a `vscode` import and are unit-tested; this
 * file wires them to VS Code.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import {
  CLIENT_COMMANDS,
  RESTART_SERVER,
  SERVER_COMMANDS,
  SHOW_OUTPUT,
  commandInvocations,
  interpretResult,
  missingArgumentReason,
  missingCommands,
  type ResultAction,
} from './commands';
import { describeSource, resolveInterpreter } from './interpreter';
import * as python from './python';
import { documentSelector, sqlGlob } from './selector';
import { buildServerCommand, describeEnv, formatCommandLine } from './serverCommand';
import {
  SECTION,
  configurationItem,
  needsRestart,
  normalizeSettings,
  toInitializationOptions,
  type MigrateSettings,
} from './settings';

const CLIENT_ID = 'migrate';
const CLIENT_NAME = 'T-SQL → Oracle Migration';
const RUNNING_CONTEXT = 'migrate.serverRunning';

let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let client: LanguageClient | undefined;
let fallbacks: vscode.Disposable[] = [];
let clientSubscriptions: vscode.Disposable[] = [];
const reported = new Set<string>();
let queue: Promise<void> = Promise.resolve();
let restartTimer: NodeJS.Timeout | undefined;

function log(msg: string): void {
  output.info(msg);
}

function firstFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

function readSettings(scope?: vscode.ConfigurationScope): MigrateSettings {
  const raw = vscode.workspace.getConfiguration(undefined, scope).get(SECTION);
  const { settings, problems } = normalizeSettings(raw);
  for (const p of problems) {
    if (reported.has(p)) continue;
    reported.add(p);
    output.warn(p);
  }
  return settings;
}

/** vscode.Uri values become strings before they are sent to the server. */
function plainArgs(args: unknown[]): unknown[] {
  return args.map((a) => {
    if (a instanceof vscode.Uri) return a.toString();
    if (Array.isArray(a)) return a.map((x) => (x instanceof vscode.Uri ? x.toString() : x));
    return a;
  });
}

async function openUri(uriText: string): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  if (/\.html?$/i.test(uri.path)) {
    await vscode.env.openExternal(uri);
    return;
  }
  try {
    if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return;
    }
  } catch {
    // not on disk (yet): let showTextDocument report it
  }
  await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

async function showResult(actions: ResultAction[]): Promise<void> {
  for (const a of actions) {
    if (a.kind === 'open') {
      await openUri(a.uri);
    } else if (a.kind === 'show') {
      const doc = await vscode.workspace.openTextDocument({ content: a.content, language: a.language });
      if (a.language === 'markdown') {
        await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
      } else {
        await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      }
    } else if (a.kind === 'message') {
      const buttons = (a.actions ?? []).map((x) => x.title);
      const show =
        a.level === 'error' ? vscode.window.showErrorMessage : a.level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      // Not awaited: a notification must not hold up the next call of a multi-file conversion.
      void show(a.text, ...buttons).then((pick) => {
        const target = (a.actions ?? []).find((x) => x.title === pick);
        if (target) void openUri(target.uri);
      });
    }
  }
}

async function showError(text: string): Promise<void> {
  const pick = await vscode.window.showErrorMessage(text, 'Show Output');
  if (pick === 'Show Output') output.show(true);
}

function updateStatus(state: 'starting' | 'running' | 'stopped' | 'failed', detail: string): void {
  const icon = { starting: '$(sync~spin)', running: '$(database)', stopped: '$(debug-stop)', failed: '$(error)' }[state];
  status.text = `${icon} T-SQL→Oracle`;
  status.tooltip = `${CLIENT_NAME}: ${state}\n${detail}\nClick to show the output.`;
  status.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, state === 'running');
}

async function executeServerCommand(
  command: string,
  args: unknown[],
  next: (command: string, args: unknown[]) => vscode.ProviderResult<unknown>,
): Promise<unknown> {
  const ctx = {
    activeDocumentUri: vscode.window.activeTextEditor?.document.uri.toString(),
    workspaceFolderUris: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()),
  };
  const calls = commandInvocations(command, plainArgs(args), ctx);
  const reason = missingArgumentReason(command, calls);
  if (reason) {
    void vscode.window.showWarningMessage(reason);
    return undefined;
  }
  let last: unknown;
  for (const callArgs of calls) {
    log(`${command} ${JSON.stringify(callArgs)}`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `T-SQL→Oracle: ${command.replace(/^migrate\./, '')}` },
        async () => next(command, callArgs),
      );
      await showResult(interpretResult(command, result));
      last = result;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      output.error(`${command} failed: ${msg}`);
      void showError(`${command} failed: ${msg}`);
      return undefined;
    }
  }
  return last;
}

function registerFallbacks(advertised: readonly string[] | undefined): void {
  for (const d of fallbacks) d.dispose();
  fallbacks = missingCommands(advertised).map((cmd) =>
    vscode.commands.registerCommand(cmd, () => {
      const why = client?.state === State.Running ? 'the running server does not offer it' : 'the language server is not running';
      void showError(`${cmd} is not available: ${why}.`);
    }),
  );
}

async function startClient(): Promise<void> {
  reported.clear();
  const folder = firstFolder();
  const settings = readSettings(folder?.uri);
  const pythonExtension = settings.interpreter ? undefined : await python.activeInterpreter(folder?.uri, log);
  const interpreter = resolveInterpreter({
    configured: settings.interpreter,
    pythonExtension,
    workspaceFolder: folder?.uri.fsPath,
    homedir: os.homedir(),
    env: process.env,
    platform: process.platform,
    exists: (f) => fs.existsSync(f),
  });
  const cmd = buildServerCommand(interpreter.command, settings, {
    workspaceFolder: folder?.uri.fsPath,
    homedir: os.homedir(),
    env: process.env,
    baseEnv: process.env,
  });
  const detail = `${formatCommandLine(cmd)} (interpreter from ${describeSource(interpreter.source)})`;
  log(`Starting: ${detail}; cwd ${cmd.cwd ?? '(none)'}; extra environment ${describeEnv(settings)}`);
  updateStatus('starting', detail);

  const serverOptions: ServerOptions = { command: cmd.command, args: cmd.args, options: { cwd: cmd.cwd, env: cmd.env } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings.languageIds),
    outputChannel: output,
    initializationOptions: toInitializationOptions(settings),
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(sqlGlob()),
        vscode.workspace.createFileSystemWatcher('**/{migrate.toml,pyproject.toml,name-map.json}'),
      ],
    },
    middleware: {
      workspace: {
        // The server asks for the `migrate` section: answer with the conversion settings only.
        configuration: async (params, token, next) => {
          const res = await next(params, token);
          if (!Array.isArray(res)) return res;
          return params.items.map((item, i) => {
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : folder?.uri;
            const c = configurationItem(item.section, readSettings(scope));
            return c.ours ? c.value : res[i];
          });
        },
      },
      executeCommand: (command, args, next) => executeServerCommand(command, args, next),
    },
  };

  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = c;
  clientSubscriptions.push(
    c.onDidChangeState((e) => {
      if (client !== c) return;
      if (e.newState === State.Running) updateStatus('running', detail);
      else if (e.newState === State.Stopped) updateStatus('stopped', detail);
    }),
  );
  try {
    await c.start();
    registerFallbacks(c.initializeResult?.capabilities.executeCommandProvider?.commands);
    const info = c.initializeResult?.serverInfo;
    log(`Running: ${info ? `${info.name} ${info.version ?? ''}`.trim() : 'server'}`);
  } catch (e) {
    registerFallbacks([]);
    updateStatus('failed', detail);
    const msg = e instanceof Error ? e.message : String(e);
    output.error(`The server did not start: ${msg}`);
    // Not awaited: the prompt must not hold up the start/restart queue.
    void vscode.window
      .showErrorMessage(
        `${CLIENT_NAME}: the language server did not start (${formatCommandLine(cmd)}). ` +
          "Install it in that environment (pip install 'tsql2oracle-migrate[editor]') or set migrate.interpreter.",
        'Open Settings',
        'Show Output',
      )
      .then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.interpreter`);
        else if (pick === 'Show Output') output.show(true);
      });
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  for (const d of [...fallbacks, ...clientSubscriptions]) d.dispose();
  fallbacks = [];
  clientSubscriptions = [];
  if (!c) return;
  try {
    if (c.state !== State.Stopped) await c.stop(5000);
  } catch (e) {
    output.warn(`Stopping the server: ${String(e)}`);
  }
  try {
    await c.dispose(2000);
  } catch {
    // already stopped
  }
  updateStatus('stopped', 'The server is stopped.');
}

/** Start/restart requests run one after another (a settings burst restarts once). */
function enqueue(job: () => Promise<void>): Promise<void> {
  queue = queue.then(job, job);
  return queue;
}

function restart(why: string): Promise<void> {
  log(`Restarting the server: ${why}`);
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

/** Settings arrive in bursts (the Settings UI writes key by key): restart once, shortly after. */
function scheduleRestart(why: string): void {
  if (restartTimer) clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    restartTimer = undefined;
    void restart(why);
  }, 500);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  status = vscode.window.createStatusBarItem('migrate.status', vscode.StatusBarAlignment.Right, 100);
  status.name = CLIENT_NAME;
  status.command = SHOW_OUTPUT;
  status.show();
  context.subscriptions.push(output, status);
  context.subscriptions.push(
    vscode.commands.registerCommand(RESTART_SERVER, () => restart('requested')),
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((s) => e.affectsConfiguration(s))) scheduleRestart('settings changed');
    }),
  );
  log(`Commands: ${[...SERVER_COMMANDS, ...CLIENT_COMMANDS].join(', ')}`);
  const pyChange = await python.onDidChangeInterpreter(() => {
    const s = readSettings(firstFolder()?.uri);
    if (!s.interpreter && s.server.command.length === 0) scheduleRestart('the Python environment changed');
  }, log);
  if (pyChange) context.subscriptions.push(pyChange);
  // Awaited: when a palette command activated the extension, VS Code runs it after activate()
  // returns, and the server's commands exist only once the server has started (or the
  // fallbacks that explain why it did not).
  await enqueue(startClient);
}

export async function deactivate(): Promise<void> {
  if (restartTimer) clearTimeout(restartTimer);
  await enqueue(stopClient);
}
