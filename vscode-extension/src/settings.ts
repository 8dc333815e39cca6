/**
 * Settings of the `migrate` section: defaults, normalisation, and the mapping to what the
 * language server receives (initializationOptions and workspace/configuration).
 *
 * Pure module: no `vscode` import, unit-tested with node's test runner.
 */

export const SECTION = 'migrate';

export const VALIDATION_MODES = ['none', 'offline', 'oracle'] as const;
export const LONG_STRING = ['clob', 'varchar2_32767'] as const;
export const GUID = ['raw16', 'varchar36'] as const;
export const IDENTITY = ['by_default', 'always'] as const;
export const RESULT_SETS = ['implicit', 'refcursor'] as const;
export const TEMP_TABLES = ['gtt', 'collection'] as const;
export const TRACE = ['off', 'messages', 'verbose'] as const;
export const MODEL_BACKENDS = ['', 'openai', 'transformers', 'vllm'] as const;

/** What the language server reads (lsp/settings.py): the `migrate` section minus the launch settings. */
export interface ServerSettings {
  validation: (typeof VALIDATION_MODES)[number];
  names: {
    variablePrefix: string;
    parameterPrefix: string;
    schemaMap: Record<string, string>;
    overrides: Record<string, string>;
    nameMapFile?: string;
  };
  strategies: {
    longString: (typeof LONG_STRING)[number];
    guid: (typeof GUID)[number];
    identity: (typeof IDENTITY)[number];
    resultSets: (typeof RESULT_SETS)[number];
    tempTables: (typeof TEMP_TABLES)[number];
  };
  disableRules: string[];
  schemaFiles: string[];
  oracleFolders: string[];
  outputFolder: string;
  showInfo: boolean;
  /** migrator.model.backends.ModelConfig fields; empty: no model quick fixes. */
  model: Record<string, string | number>;
}

export interface ModelSettings {
  backend: (typeof MODEL_BACKENDS)[number];
  model: string;
  endpoint: string;
  adapter: string;
  candidates: number;
}

export interface LaunchSettings {
  /** Python interpreter; empty: the Python extension's active environment, else python3. */
  interpreter: string;
  server: {
    /** Arguments after the interpreter. */
    args: string[];
    /** A full command line that replaces interpreter + args (e.g. ["migrate", "lsp"]). */
    command: string[];
    /** Extra environment variables for the server process. */
    env: Record<string, string>;
    /** Working directory; empty: the first workspace folder. */
    cwd: string;
  };
}

export interface MigrateSettings extends Omit<ServerSettings, 'model'>, LaunchSettings {
  model: ModelSettings;
  /** VS Code language ids whose documents the server checks (plus files with SQL/PL/SQL suffixes). */
  languageIds: string[];
  trace: { server: (typeof TRACE)[number] };
}

export const DEFAULTS: MigrateSettings = {
  interpreter: '',
  server: { args: ['-m', 'lsp'], command: [], env: {}, cwd: '' },
  validation: 'offline',
  names: { variablePrefix: 'v_', parameterPrefix: 'p_', schemaMap: {}, overrides: {}, nameMapFile: '' },
  strategies: {
    longString: 'clob',
    guid: 'raw16',
    identity: 'by_default',
    resultSets: 'implicit',
    tempTables: 'gtt',
  },
  disableRules: [],
  schemaFiles: [],
  oracleFolders: ['oracle'],
  outputFolder: 'oracle',
  showInfo: true,
  model: { backend: '', model: '', endpoint: '', adapter: '', candidates: 1 },
  languageIds: ['sql', 'tsql', 'mssql', 'plsql', 'oraclesql'],
  trace: { server: 'off' },
};

/**
 * Settings whose change restarts the server: the launch settings need a new process, and the
 * conversion settings are then sent again as initializationOptions, so a server that reads them
 * only at start-up sees every change. `migrate.trace.server` is applied by the client without one.
 */
export const RESTART_KEYS = [
  'interpreter',
  'server',
  'languageIds',
  'validation',
  'names',
  'strategies',
  'disableRules',
  'schemaFiles',
  'oracleFolders',
  'outputFolder',
  'showInfo',
  'model',
].map((k) => `${SECTION}.${k}`);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, dflt: string): string {
  return typeof v === 'string' ? v : dflt;
}

function strList(v: unknown, dflt: string[]): string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : [...dflt];
}

function choice<T extends string>(v: unknown, allowed: readonly T[], dflt: T, key: string, problems: string[]): T {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push(`${SECTION}.${key}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}; using ${dflt}`);
  return dflt;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

function sub(raw: Obj, key: string): Obj {
  const v = raw[key];
  return isObj(v) ? v : {};
}

/**
 * Reads the `migrate` section as VS Code returns it (`getConfiguration('migrate')`, nested objects
 * for dotted keys) and fills in defaults. Invalid enum values fall back to the default and are
 * reported in `problems` (shown in the output channel).
 */
export function normalizeSettings(raw: unknown): { settings: MigrateSettings; problems: string[] } {
  const r: Obj = isObj(raw) ? raw : {};
  const problems: string[] = [];
  const server = sub(r, 'server');
  const names = sub(r, 'names');
  const strategies = sub(r, 'strategies');
  const model = sub(r, 'model');
  const trace = sub(r, 'trace');
  const d = DEFAULTS;
  const settings: MigrateSettings = {
    interpreter: str(r.interpreter, d.interpreter).trim(),
    server: {
      args: strList(server.args, d.server.args),
      command: strList(server.command, d.server.command).filter((x) => x !== ''),
      env: strMap(server.env),
      cwd: str(server.cwd, d.server.cwd).trim(),
    },
    validation: choice(r.validation, VALIDATION_MODES, d.validation, 'validation', problems),
    names: {
      variablePrefix: str(names.variablePrefix, d.names.variablePrefix),
      parameterPrefix: str(names.parameterPrefix, d.names.parameterPrefix),
      schemaMap: strMap(names.schemaMap),
      overrides: strMap(names.overrides),
      nameMapFile: str(names.nameMapFile, '').trim(),
    },
    strategies: {
      longString: choice(strategies.longString, LONG_STRING, d.strategies.longString, 'strategies.longString', problems),
      guid: choice(strategies.guid, GUID, d.strategies.guid, 'strategies.guid', problems),
      identity: choice(strategies.identity, IDENTITY, d.strategies.identity, 'strategies.identity', problems),
      resultSets: choice(strategies.resultSets, RESULT_SETS, d.strategies.resultSets, 'strategies.resultSets', problems),
      tempTables: choice(strategies.tempTables, TEMP_TABLES, d.strategies.tempTables, 'strategies.tempTables', problems),
    },
    disableRules: strList(r.disableRules, d.disableRules).map((x) => x.trim().toUpperCase()).filter((x) => x !== ''),
    schemaFiles: strList(r.schemaFiles, d.schemaFiles).filter((x) => x.trim() !== ''),
    oracleFolders: strList(r.oracleFolders, d.oracleFolders).filter((x) => x.trim() !== ''),
    outputFolder: str(r.outputFolder, d.outputFolder).trim() || d.outputFolder,
    showInfo: typeof r.showInfo === 'boolean' ? r.showInfo : d.showInfo,
    model: {
      backend: choice(model.backend, MODEL_BACKENDS, d.model.backend, 'model.backend', problems),
      model: str(model.model, d.model.model).trim(),
      endpoint: str(model.endpoint, d.model.endpoint).trim(),
      adapter: str(model.adapter, d.model.adapter).trim(),
      candidates:
        typeof model.candidates === 'number' && Number.isInteger(model.candidates) && model.candidates >= 1
          ? Math.min(model.candidates, 16)
          : d.model.candidates,
    },
    languageIds: strList(r.languageIds, d.languageIds).filter((x) => x.trim() !== ''),
    trace: { server: choice(trace.server, TRACE, d.trace.server, 'trace.server', problems) },
  };
  return { settings, problems };
}

/**
 * What the server sees: the conversion settings only, never the launch settings (interpreter,
 * server command, environment variables), which the server would report as unknown keys. The
 * same object is sent as initializationOptions and returned for workspace/configuration
 * requests of the `migrate` section.
 */
export function toServerSettings(s: MigrateSettings): ServerSettings {
  const names: ServerSettings['names'] = {
    variablePrefix: s.names.variablePrefix,
    parameterPrefix: s.names.parameterPrefix,
    schemaMap: { ...s.names.schemaMap },
    overrides: { ...s.names.overrides },
  };
  if (s.names.nameMapFile) names.nameMapFile = s.names.nameMapFile;
  return {
    validation: s.validation,
    names,
    strategies: { ...s.strategies },
    disableRules: [...s.disableRules],
    schemaFiles: [...s.schemaFiles],
    oracleFolders: [...s.oracleFolders],
    outputFolder: s.outputFolder,
    showInfo: s.showInfo,
    model: modelSettings(s.model),
  };
}

/** The model settings the server reads (ModelConfig fields); an endpoint alone means an OpenAI-compatible server. */
function modelSettings(m: ModelSettings): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const backend = m.backend || (m.endpoint ? 'openai' : '');
  if (!backend) return out;
  out.backend = backend;
  if (m.model) out.model = m.model;
  if (m.endpoint) out.endpoint = m.endpoint;
  if (m.adapter) out.adapter = m.adapter;
  out.candidates = m.candidates;
  return out;
}

export function toInitializationOptions(s: MigrateSettings): ServerSettings {
  return toServerSettings(s);
}

/**
 * Answer to a workspace/configuration item: `migrate` gives the server settings, `migrate.x.y`
 * the value at that path; other sections are not ours (undefined: let VS Code answer).
 */
export function configurationItem(section: string | undefined, s: MigrateSettings): { ours: boolean; value: unknown } {
  if (section === undefined || (section !== SECTION && !section.startsWith(SECTION + '.'))) return { ours: false, value: undefined };
  let value: unknown = toServerSettings(s);
  for (const part of section.split('.').slice(1)) {
    value = isObj(value) ? value[part] : undefined;
  }
  return { ours: true, value: value === undefined ? null : value };
}

/** Whether a configuration change needs a server restart, given VS Code's affectsConfiguration. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_KEYS.some((k) => affects(k));
}

/** Whether a configuration change concerns this extension at all. */
export function affectsUs(affects: (section: string) => boolean): boolean {
  return affects(SECTION);
}
