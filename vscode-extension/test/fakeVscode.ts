/**
 * A stand-in for the `vscode` module, enough for vscode-languageclient to start a real server
 * and for the extension's glue to run: real Uri, EventEmitter, commands, configuration and output
 * channel; anything else is a permissive stub (callable, constructible, every property another
 * stub, never a thenable). Records what the extension did for the assertions.
 */

import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

type Fn = (...args: unknown[]) => unknown;

function stub(name = 'stub'): any {
  const target = function () {} as unknown as Fn;
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'toString') return () => name;
      if (key === 'length') return 0;
      return stub(`${name}.${String(key)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  event = (listener: (e: T) => void): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string, readonly raw: string) {}
  static parse(value: string): Uri {
    const m = /^([a-zA-Z][\w+.-]*):(.*)$/.exec(value);
    if (!m) return new Uri('file', value, pathToFileURL(value).toString());
    return new Uri(m[1], m[1] === 'file' ? new URL(value).pathname : m[2], value);
  }
  static file(p: string): Uri {
    return new Uri('file', p, pathToFileURL(p).toString());
  }
  get fsPath(): string {
    return this.scheme === 'file' ? fileURLToPath(this.raw) : this.path;
  }
  toString(): string {
    return this.raw;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
  with(): Uri {
    return this;
  }
}

const noEvent = () => new Disposable();

export interface Recorded {
  commands: Map<string, Fn>;
  executed: { command: string; args: unknown[] }[];
  context: Map<string, unknown>;
  output: string[];
  messages: { level: string; text: string }[];
  opened: { content?: string; language?: string; uri?: string }[];
}

export function createFakeVscode(opts: { folder: string; settings: Record<string, unknown> }): { module: any; recorded: Recorded } {
  const recorded: Recorded = { commands: new Map(), executed: [], context: new Map(), output: [], messages: [], opened: [] };
  const folderUri = Uri.file(opts.folder);
  const configuration = (section?: string) => {
    const all: Record<string, unknown> = { migrate: opts.settings };
    const root = section ? (section.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), all) ?? {}) : all;
    return {
      get: (key: string, dflt?: unknown) => {
        const v = key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), root);
        return v === undefined ? dflt : v;
      },
      has: () => false,
      inspect: () => undefined,
      update: async () => undefined,
    };
  };
  const channel = (name: string) => {
    const line = (level: string) => (msg: string) => recorded.output.push(`[${level}] ${msg}`);
    return {
      name,
      append: (s: string) => recorded.output.push(s),
      appendLine: (s: string) => recorded.output.push(s),
      info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), trace: line('trace'),
      show: () => undefined, hide: () => undefined, clear: () => undefined, replace: () => undefined, dispose: () => undefined,
      logLevel: 2, onDidChangeLogLevel: noEvent,
    };
  };
  const message = (level: string) => async (text: string) => {
    recorded.messages.push({ level, text });
    return undefined;
  };
  const vscode: Record<string, unknown> = {
    version: '1.82.0',
    Uri,
    EventEmitter,
    Disposable,
    workspace: new Proxy({
      workspaceFolders: [{ uri: folderUri, name: path.basename(opts.folder), index: 0 }],
      textDocuments: [],
      notebookDocuments: [],
      getConfiguration: (section?: string) => configuration(section),
      getWorkspaceFolder: () => ({ uri: folderUri, name: 'ws', index: 0 }),
      createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
      openTextDocument: async (o: { content?: string; language?: string }) => {
        recorded.opened.push(o);
        return { uri: Uri.parse('untitled:Untitled-1') };
      },
      fs: { stat: async () => ({ type: 1 }) },
    }, { get: (t: Record<string | symbol, unknown>, k) => (k in t ? t[k] : typeof k === 'string' && k.startsWith('onDid') ? noEvent : stub(`workspace.${String(k)}`)) }),
    window: new Proxy({
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel: (name: string) => channel(name),
      createStatusBarItem: () => ({ show: () => undefined, hide: () => undefined, dispose: () => undefined }),
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      withProgress: async (_o: unknown, task: Fn) => task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
      showTextDocument: async (doc: unknown) => {
        recorded.opened.push({ uri: String(doc) });
        return {};
      },
    }, { get: (t: Record<string | symbol, unknown>, k) => (k in t ? t[k] : typeof k === 'string' && k.startsWith('onDid') ? noEvent : stub(`window.${String(k)}`)) }),
    commands: {
      registerCommand: (id: string, fn: Fn) => {
        if (recorded.commands.has(id)) throw new Error(`command '${id}' already exists`);
        recorded.commands.set(id, fn);
        return new Disposable(() => recorded.commands.delete(id));
      },
      executeCommand: async (command: string, ...args: unknown[]) => {
        recorded.executed.push({ command, args });
        if (command === 'setContext') recorded.context.set(String(args[0]), args[1]);
        const fn = recorded.commands.get(command);
        return fn ? fn(...args) : undefined;
      },
      getCommands: async () => [...recorded.commands.keys()],
    },
    extensions: { getExtension: () => undefined, all: [], onDidChange: noEvent },
    env: { language: 'en', appName: 'fake', machineId: 'x', sessionId: 'y', openExternal: async () => true, uiKind: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    ThemeColor: class { constructor(readonly id: string) {} },
  };
  const module = new Proxy(vscode, { get: (t, k) => (k in t ? t[k as string] : k === '__esModule' ? false : stub(`vscode.${String(k)}`)) });
  return { module, recorded };
}
