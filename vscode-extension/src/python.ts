/**
 * The Python extension (ms-python.python), when installed: the executable of its active
 * environment, and an event when the user picks another one. Works with the environments API
 * (2023+) and falls back to the older settings.getExecutionDetails API.
 */

import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
  id: string;
  path: string;
}

interface ResolvedEnvironment {
  executable: { uri?: vscode.Uri };
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri | vscode.WorkspaceFolder): EnvironmentPath;
    resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

async function api(log: (msg: string) => void): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    log(`The Python extension did not activate: ${String(e)}`);
    return undefined;
  }
}

/** The active environment's python executable, or undefined (no extension, no environment). */
export async function activeInterpreter(resource: vscode.Uri | undefined, log: (msg: string) => void): Promise<string | undefined> {
  const py = await api(log);
  if (!py) return undefined;
  try {
    if (py.environments) {
      const envPath = py.environments.getActiveEnvironmentPath(resource);
      const env = await py.environments.resolveEnvironment(envPath);
      const exe = env?.executable.uri?.fsPath;
      if (exe) return exe;
      // An unresolved environment's path is usually the executable itself.
      if (envPath?.path) return envPath.path;
    }
    const cmd = py.settings?.getExecutionDetails?.(resource).execCommand;
    if (cmd && cmd.length === 1 && cmd[0]) return cmd[0];
  } catch (e) {
    log(`Could not read the Python extension's environment: ${String(e)}`);
  }
  return undefined;
}

/** Calls `listener` when the Python extension's active environment changes. */
export async function onDidChangeInterpreter(listener: () => void, log: (msg: string) => void): Promise<vscode.Disposable | undefined> {
  const py = await api(log);
  if (!py) return undefined;
  if (py.environments) return py.environments.onDidChangeActiveEnvironmentPath(() => listener());
  if (py.settings?.onDidChangeExecutionDetails) return py.settings.onDidChangeExecutionDetails(() => listener());
  return undefined;
}
