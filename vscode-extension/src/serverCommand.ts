/**
 * The command line that starts the language server: `<python> -m lsp` by default (stdio), or the
 * `migrate.server.command` setting verbatim (e.g. `["migrate", "lsp"]`).
 *
 * Pure module: no `vscode` import, unit-tested with node's test runner.
 */

import type { MigrateSettings } from './settings';
import { expandVariables, type VariableContext } from './interpreter';

export interface ServerCommand {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
}

export function buildServerCommand(
  interpreter: string,
  s: Pick<MigrateSettings, 'server'>,
  ctx: VariableContext & { baseEnv: Record<string, string | undefined> },
): ServerCommand {
  const expand = (x: string) => expandVariables(x, ctx);
  const [command, ...args] = s.server.command.length > 0 ? s.server.command.map(expand) : [interpreter, ...s.server.args.map(expand)];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined) env[k] = v;
  // stdio is the protocol channel: no buffering, and UTF-8 whatever the locale.
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONIOENCODING = 'utf-8';
  for (const [k, v] of Object.entries(s.server.env)) env[k] = expand(v);
  const cwd = s.server.cwd ? expand(s.server.cwd) : ctx.workspaceFolder;
  return cwd ? { command, args, cwd, env } : { command, args, env };
}

/** A shell-like rendering for the output channel (quotes arguments with spaces or quotes). */
export function formatCommandLine(cmd: Pick<ServerCommand, 'command' | 'args'>): string {
  const quote = (x: string) => (x === '' || /[\s"'$`\\]/.test(x) ? `'${x.replace(/'/g, `'\\''`)}'` : x);
  return [cmd.command, ...cmd.args].map(quote).join(' ');
}

/** Settings-level env overrides only (what the user set), for logging without leaking the whole environment. */
export function describeEnv(s: Pick<MigrateSettings, 'server'>): string {
  const keys = Object.keys(s.server.env);
  return keys.length ? keys.sort().join(', ') : '(none)';
}
