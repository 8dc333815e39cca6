/**
 * Commands: ids, the arguments sent with the server's commands, and what to do with their results.
 *
 * The server's commands (migrate.convertFile, migrate.convertWorkspace, migrate.showReport) are
 * registered by vscode-languageclient from the server's executeCommandProvider; the client adds
 * the arguments a palette or menu invocation lacks (the active document, the workspace folders)
 * and shows the result. Pure module: no `vscode` import, unit-tested with node's test runner.
 */

export const CONVERT_FILE = 'migrate.convertFile';
export const CONVERT_WORKSPACE = 'migrate.convertWorkspace';
export const SHOW_REPORT = 'migrate.showReport';
export const RESTART_SERVER = 'migrate.restartServer';
export const SHOW_OUTPUT = 'migrate.showOutput';

/** Executed by the server (workspace/executeCommand). */
export const SERVER_COMMANDS = [CONVERT_FILE, CONVERT_WORKSPACE, SHOW_REPORT];
/** Handled in the extension. */
export const CLIENT_COMMANDS = [RESTART_SERVER, SHOW_OUTPUT];

export interface InvocationContext {
  /** URI (string) of the document in the active editor, if any. */
  activeDocumentUri?: string;
  /** URIs (strings) of the workspace folders. */
  workspaceFolderUris: string[];
}

/**
 * Arguments for a server command. `given` are the invocation's arguments with vscode.Uri values
 * already turned into strings. A palette invocation has none: convertFile and showReport get
 * the active document, convertWorkspace the workspace folders. An explorer invocation passes
 * (clicked, selected[]): each selected file is converted.
 */
export function commandArguments(command: string, given: unknown[], ctx: InvocationContext): unknown[] {
  const args = given.filter((x) => x !== undefined && x !== null);
  if (command === CONVERT_FILE || command === SHOW_REPORT) {
    if (args.length === 0) return ctx.activeDocumentUri ? [ctx.activeDocumentUri] : [];
    // Explorer: (clicked, allSelected) -> the selection when it holds several files.
    if (args.length === 2 && typeof args[0] === 'string' && Array.isArray(args[1])) {
      const selected = (args[1] as unknown[]).filter((x): x is string => typeof x === 'string');
      return selected.length > 1 ? selected : [args[0]];
    }
    return args;
  }
  if (command === CONVERT_WORKSPACE) {
    if (args.length === 0) return [...ctx.workspaceFolderUris];
    if (args.length === 2 && typeof args[0] === 'string' && Array.isArray(args[1])) return [args[0]];
    return args;
  }
  return args;
}

/** Why a server command cannot run from this invocation, or undefined when it can. */
export function missingArgumentReason(command: string, args: unknown[]): string | undefined {
  if (args.length > 0) return undefined;
  if (command === CONVERT_FILE || command === SHOW_REPORT) return 'Open a T-SQL file first.';
  if (command === CONVERT_WORKSPACE) return 'Open a folder first.';
  return undefined;
}

/** Server commands the server did not advertise (the client answers those with a message). */
export function missingCommands(advertised: readonly string[] | undefined): string[] {
  const have = new Set(advertised ?? []);
  return SERVER_COMMANDS.filter((c) => !have.has(c));
}

export type ResultAction =
  | { kind: 'open'; uri: string }
  | { kind: 'show'; content: string; language: string }
  | { kind: 'message'; text: string; level: 'info' | 'warning' | 'error' }
  | { kind: 'none' };

const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]+:/;

function isUriOrPath(x: string): boolean {
  return (URI_RE.test(x) && !/^[A-Za-z]:[\\/]/.test(x)) || x.startsWith('/') || /^[A-Za-z]:[\\/]/.test(x);
}

/** A path (POSIX or Windows) or URI string as a URI string. */
export function toUriString(x: string): string {
  if (/^[A-Za-z]:[\\/]/.test(x)) return 'file:///' + encodeURI(x.replace(/\\/g, '/')).replace(/^([A-Za-z]):/, (_m, d: string) => `${d.toLowerCase()}%3A`);
  if (x.startsWith('/')) return 'file://' + encodeURI(x);
  return x;
}

function summary(o: Record<string, unknown>): string | undefined {
  for (const key of ['message', 'summary']) if (typeof o[key] === 'string' && o[key]) return o[key] as string;
  return undefined;
}

/**
 * What to show for a server command's result: a document to open (`uri`, `output`, `target`,
 * `html`/`report` paths), text to show in a new editor (`text`/`oracle`/`content`), a message,
 * or nothing. Objects may carry a `message` that is shown as well (open + message are split by
 * the caller using `resultMessage`).
 */
export function interpretResult(command: string, result: unknown): ResultAction[] {
  const out: ResultAction[] = [];
  if (result === undefined || result === null) return out;
  if (typeof result === 'string') {
    if (isUriOrPath(result) && !result.includes('\n')) out.push({ kind: 'open', uri: toUriString(result) });
    else out.push({ kind: 'message', text: result, level: 'info' });
    return out;
  }
  if (typeof result !== 'object' || Array.isArray(result)) return out;
  const o = result as Record<string, unknown>;
  const level = o.ok === false || typeof o.error === 'string' ? 'error' : 'info';
  if (typeof o.error === 'string' && o.error) {
    out.push({ kind: 'message', text: o.error, level: 'error' });
    return out;
  }
  const openKeys = command === SHOW_REPORT ? ['html', 'report', 'reportUri', 'output', 'outputUri', 'target', 'uri'] : ['output', 'outputUri', 'target', 'targetUri', 'html', 'report', 'reportUri'];
  let opened = false;
  for (const key of openKeys) {
    const v = o[key];
    if (typeof v === 'string' && v && isUriOrPath(v) && !v.includes('\n')) {
      out.push({ kind: 'open', uri: toUriString(v) });
      opened = true;
      break;
    }
  }
  if (!opened) {
    for (const key of ['text', 'oracle', 'content', 'markdown']) {
      const v = o[key];
      if (typeof v === 'string' && v) {
        out.push({ kind: 'show', content: v, language: key === 'markdown' ? 'markdown' : 'sql' });
        opened = true;
        break;
      }
    }
  }
  if (!opened && command === SHOW_REPORT) {
    out.push({ kind: 'show', content: JSON.stringify(result, null, 2), language: 'json' });
  }
  const msg = summary(o);
  if (msg) out.push({ kind: 'message', text: msg, level: level });
  return out;
}
