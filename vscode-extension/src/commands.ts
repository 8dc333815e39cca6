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
 * The server calls for one invocation, each an argument list. `given` are the invocation's
 * arguments with vscode.Uri values already turned into strings. A palette invocation has none:
 * convertFile and showReport get the active document; convertWorkspace converts the (first)
 * workspace folder and needs none. An explorer invocation passes (clicked, selected[]): every
 * selected file is converted, one call each (the server converts one document per call).
 */
export function commandInvocations(command: string, given: unknown[], ctx: InvocationContext): unknown[][] {
  const args = given.filter((x) => x !== undefined && x !== null);
  if (command === CONVERT_FILE || command === SHOW_REPORT) {
    if (args.length === 0) return ctx.activeDocumentUri ? [[ctx.activeDocumentUri]] : [];
    if (args.length === 2 && typeof args[0] === 'string' && Array.isArray(args[1])) {
      const selected = (args[1] as unknown[]).filter((x): x is string => typeof x === 'string');
      const files = selected.length > 1 ? selected : [args[0]];
      return command === CONVERT_FILE ? files.map((f) => [f]) : [[files[0]]];
    }
    return [args];
  }
  if (command === CONVERT_WORKSPACE) {
    if (ctx.workspaceFolderUris.length === 0) return [];
    // Options object ({output}) from a code lens or keybinding passes through; URIs do not.
    return [args.filter((a) => typeof a === 'object' && a !== null && !Array.isArray(a))];
  }
  return [args];
}

/** Why a server command cannot run from this invocation, or undefined when it can. */
export function missingArgumentReason(command: string, calls: unknown[][]): string | undefined {
  if (calls.length > 0) return undefined;
  if (command === CONVERT_FILE || command === SHOW_REPORT) return 'Open a T-SQL file first.';
  if (command === CONVERT_WORKSPACE) return 'Open a folder first.';
  return 'Nothing to run the command on.';
}

/** Server commands the server did not advertise (the client answers those with a message). */
export function missingCommands(advertised: readonly string[] | undefined): string[] {
  const have = new Set(advertised ?? []);
  return SERVER_COMMANDS.filter((c) => !have.has(c));
}

export interface MessageAction {
  title: string;
  uri: string;
}

export type ResultAction =
  | { kind: 'open'; uri: string }
  | { kind: 'show'; content: string; language: string }
  | { kind: 'message'; text: string; level: 'info' | 'warning' | 'error'; actions?: MessageAction[] }
  | { kind: 'none' };

const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]+:/;
const WIN_PATH = /^[A-Za-z]:[\\/]/;

function isUriOrPath(x: string): boolean {
  return !x.includes('\n') && (x.startsWith('/') || WIN_PATH.test(x) || URI_RE.test(x));
}

/** A path (POSIX or Windows) or URI string as a URI string. */
export function toUriString(x: string): string {
  if (WIN_PATH.test(x)) return 'file:///' + encodeURI(x.replace(/\\/g, '/')).replace(/^([A-Za-z]):/, (_m, d: string) => `${d.toLowerCase()}%3A`);
  if (x.startsWith('/')) return 'file://' + encodeURI(x);
  return x;
}

/** Joins a folder (path or URI) and a file name. */
export function joinUri(folder: string, name: string): string {
  const u = toUriString(folder);
  return u.endsWith('/') ? u + encodeURIComponent(name) : `${u}/${encodeURIComponent(name)}`;
}

function baseName(uri: string): string {
  const parts = uri.split(/[\\/]/);
  return decodeURIComponent(parts[parts.length - 1] || uri);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

const STATUS_TEXT: Record<string, string> = {
  converted: 'converted',
  caveats: 'converted with caveats (see the MIGRATION NOTE comments)',
  marked: 'partly converted: some statements are left as MIGRATION TODO',
  failed: 'not converted',
  oracle: 'already Oracle',
};

/** "3 converted, 1 with caveats, 2 marked TODO, 0 failed" from a {converted, caveats, marked, failed} count. */
export function countsText(counts: unknown): string {
  if (!isObj(counts)) return '';
  const parts: string[] = [];
  const label: [string, string][] = [['converted', 'converted'], ['caveats', 'with caveats'], ['marked', 'marked TODO'], ['failed', 'failed']];
  for (const [k, l] of label) if (k in counts) parts.push(`${num(counts[k])} ${l}`);
  return parts.join(', ');
}

function convertFileResult(o: Obj): ResultAction[] {
  const out: ResultAction[] = [];
  const target = typeof o.uri === 'string' ? o.uri : undefined;
  // applied: the server created <name>.oracle.sql and asked VS Code to show it (window/showDocument).
  if (o.applied !== true && typeof o.content === 'string') out.push({ kind: 'show', content: o.content, language: 'sql' });
  const status = typeof o.status === 'string' ? o.status : undefined;
  if (status && status !== 'converted') {
    const name = target ? baseName(target) : 'The Oracle version';
    out.push({ kind: 'message', text: `${name}: ${STATUS_TEXT[status] ?? status}.`, level: status === 'caveats' ? 'info' : 'warning' });
  }
  return out;
}

function convertWorkspaceResult(o: Obj): ResultAction[] {
  if (o.cancelled === true) return [{ kind: 'message', text: 'Workspace conversion cancelled.', level: 'warning' }];
  const output = typeof o.output === 'string' ? o.output : undefined;
  const summary = isObj(o.summary) ? o.summary : {};
  const counts = countsText(summary.files);
  const files = num(o.files);
  const text = `Converted ${files} file${files === 1 ? '' : 's'}${output ? ` into ${output}` : ''}${counts ? `: ${counts}` : ''}.`;
  const actions: MessageAction[] = [];
  if (output) actions.push({ title: 'Open HTML Report', uri: joinUri(output, 'migration-report.html') });
  if (typeof o.report === 'string') actions.push({ title: 'Open JSON Report', uri: toUriString(o.report) });
  const files_ = isObj(summary.files) ? summary.files : {};
  const level = num(files_.failed) + num(files_.marked) > 0 ? 'warning' : 'info';
  return [{ kind: 'message', text, level, actions }];
}

function eventLines(u: Obj): string[] {
  const events = Array.isArray(u.events) ? u.events.filter(isObj) : [];
  return events
    .filter((e) => e.severity !== 'info')
    .map((e) => `${String(e.severity).toUpperCase()} \`${String(e.rule)}\` ${String(e.message).replace(/\|/g, '\\|').replace(/\n/g, ' ')}`);
}

function cell(x: unknown): string {
  return String(x ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fileReport(d: Obj, level: string): string[] {
  const title = typeof d.path === 'string' ? d.path : typeof d.uri === 'string' ? d.uri : 'document';
  const lines = [`${level} ${title}`, ''];
  const status = typeof d.status === 'string' ? d.status : '?';
  lines.push(`Status: **${status}**${STATUS_TEXT[status] && status !== 'converted' ? ` (${STATUS_TEXT[status]})` : ''}` +
    (typeof d.diagnostics === 'number' ? `; ${d.diagnostics} diagnostic${d.diagnostics === 1 ? '' : 's'}` : ''), '');
  if (typeof d.error === 'string') lines.push(`Error: ${d.error}`, '');
  const units = Array.isArray(d.units) ? d.units.filter(isObj) : [];
  if (units.length) {
    lines.push('| line | kind | name | status | notes and TODOs |', '| ---: | --- | --- | --- | --- |');
    for (const u of units) lines.push(`| ${cell(u.line)} | ${cell(u.kind)} | ${cell(u.name)} | ${cell(u.status)} | ${eventLines(u).join('<br>')} |`);
    lines.push('');
  }
  return lines;
}

/** The showReport result as Markdown: one document's units, or every open document plus the workspace summary. */
export function reportMarkdown(result: unknown): string | undefined {
  if (!isObj(result)) return undefined;
  if (Array.isArray(result.units) || typeof result.status === 'string') return ['# Migration report', '', ...fileReport(result, '##')].join('\n');
  if (Array.isArray(result.documents) || 'workspace' in result) {
    const lines = ['# Migration report', ''];
    const ws = isObj(result.workspace) ? result.workspace : undefined;
    if (ws) {
      lines.push('## Last workspace conversion', '');
      if (ws.files) lines.push(`Files: ${countsText(ws.files)}`, '');
      if (ws.units) lines.push(`Units: ${countsText(ws.units)}`, '');
    }
    const docs = Array.isArray(result.documents) ? result.documents.filter(isObj) : [];
    if (docs.length === 0 && !ws) lines.push('No open T-SQL documents and no workspace conversion yet.', '');
    for (const d of docs) lines.push(...fileReport(d, '##'));
    return lines.join('\n');
  }
  return undefined;
}

/**
 * What to show for a server command's result. Known shapes (lsp/server.py): convertFile
 * `{uri, content, applied, status}`, convertWorkspace `{output, cancelled, files, summary,
 * report}`, showReport a file report or `{documents, workspace}`. Anything else: a path or URI
 * string is opened, other strings are shown as a message, `{error}` as an error.
 */
export function interpretResult(command: string, result: unknown): ResultAction[] {
  if (result === undefined || result === null) return [];
  if (typeof result === 'string') {
    return isUriOrPath(result) ? [{ kind: 'open', uri: toUriString(result) }] : [{ kind: 'message', text: result, level: 'info' }];
  }
  if (!isObj(result)) return [];
  if (typeof result.error === 'string' && result.error) return [{ kind: 'message', text: result.error, level: 'error' }];
  if (command === CONVERT_FILE) return convertFileResult(result);
  if (command === CONVERT_WORKSPACE) return convertWorkspaceResult(result);
  if (command === SHOW_REPORT) {
    const md = reportMarkdown(result);
    return [md ? { kind: 'show', content: md, language: 'markdown' } : { kind: 'show', content: JSON.stringify(result, null, 2), language: 'json' }];
  }
  if (typeof result.message === 'string') return [{ kind: 'message', text: result.message, level: 'info' }];
  return [];
}
