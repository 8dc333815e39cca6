/**
 * Which Python runs the language server.
 *
 * Order: the `migrate.interpreter` setting; the active environment of the Python extension
 * (ms-python.python); a virtual environment in the workspace folder (`.venv`, `venv`); `python3`
 * (`python` on Windows) from PATH.
 *
 * Pure module: no `vscode` import, unit-tested with node's test runner. File-system access is
 * passed in (`exists`) so the tests stay hermetic.
 */

import * as path from 'node:path';

export type InterpreterSource = 'setting' | 'python-extension' | 'workspace-venv' | 'default';

export interface ResolvedInterpreter {
  command: string;
  source: InterpreterSource;
}

export interface VariableContext {
  workspaceFolder?: string;
  homedir: string;
  env: Record<string, string | undefined>;
}

export interface InterpreterInputs extends VariableContext {
  /** The `migrate.interpreter` setting (may hold ${workspaceFolder}, ${userHome}, ${env:NAME}, ~). */
  configured: string;
  /** The executable of the Python extension's active environment, if that extension is there. */
  pythonExtension?: string;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands ${workspaceFolder}, ${userHome}, ${env:NAME} and a leading ~ as VS Code users expect. */
export function expandVariables(value: string, ctx: VariableContext): string {
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (m, name: string, envName?: string) => {
    if (name === 'workspaceFolder') return ctx.workspaceFolder ?? m;
    if (name === 'userHome') return ctx.homedir;
    return ctx.env[envName as string] ?? '';
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = ctx.homedir + out.slice(1);
  return out;
}

/** A bare program name (found on PATH), as opposed to a path. */
export function isBareCommand(command: string): boolean {
  return !command.includes('/') && !command.includes('\\');
}

/** The interpreter path inside a virtual environment folder. */
export function venvPython(venv: string, platform: NodeJS.Platform): string {
  const p = pathApi(platform);
  return platform === 'win32' ? p.join(venv, 'Scripts', 'python.exe') : p.join(venv, 'bin', 'python');
}

export function defaultPython(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

export function resolveInterpreter(i: InterpreterInputs): ResolvedInterpreter {
  const p = pathApi(i.platform);
  const configured = expandVariables(i.configured.trim(), i);
  if (configured) {
    if (isBareCommand(configured) || p.isAbsolute(configured) || !i.workspaceFolder) {
      return { command: configured, source: 'setting' };
    }
    // A relative path such as `.venv/bin/python` is relative to the workspace folder.
    return { command: p.resolve(i.workspaceFolder, configured), source: 'setting' };
  }
  if (i.pythonExtension && i.pythonExtension.trim()) {
    return { command: i.pythonExtension.trim(), source: 'python-extension' };
  }
  if (i.workspaceFolder) {
    for (const name of ['.venv', 'venv']) {
      const candidate = venvPython(p.join(i.workspaceFolder, name), i.platform);
      if (i.exists(candidate)) return { command: candidate, source: 'workspace-venv' };
    }
  }
  return { command: defaultPython(i.platform), source: 'default' };
}

export function describeSource(source: InterpreterSource): string {
  switch (source) {
    case 'setting':
      return 'the migrate.interpreter setting';
    case 'python-extension':
      return "the Python extension's active environment";
    case 'workspace-venv':
      return 'the virtual environment in the workspace folder';
    default:
      return 'the default interpreter on PATH';
  }
}
