/**
 * Which documents the language client sends to the server: documents in the configured
 * language ids (T-SQL and Oracle SQL/PL/SQL extensions use several), and any file or untitled
 * document whose name has a SQL or PL/SQL suffix, whatever language VS Code gave it.
 *
 * Pure module: no `vscode` import, unit-tested with node's test runner.
 */

/** The shape of vscode.DocumentFilter (structural, so this module need not import vscode). */
export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** Suffixes the server treats as SQL (migrator/checking.py ORACLE_SUFFIXES plus .plsql). */
export const SQL_SUFFIXES = ['sql', 'pks', 'pkb', 'tps', 'tpb', 'pls', 'plb', 'prc', 'fnc', 'trg', 'vw', 'ddl', 'plsql'];

export const SCHEMES = ['file', 'untitled'];

/** The glob for every SQL/PL/SQL file, also used to watch files for the workspace catalog. */
export function sqlGlob(): string {
  return `**/*.{${SQL_SUFFIXES.join(',')}}`;
}

export function documentSelector(languageIds: string[]): DocumentFilter[] {
  const out: DocumentFilter[] = [];
  const seen = new Set<string>();
  for (const language of languageIds.map((x) => x.trim()).filter((x) => x !== '')) {
    if (seen.has(language)) continue;
    seen.add(language);
    for (const scheme of SCHEMES) out.push({ scheme, language });
  }
  out.push({ scheme: 'file', pattern: sqlGlob() });
  return out;
}

/** Whether a file name has one of the SQL suffixes (for explorer menus and fallbacks). */
export function isSqlFileName(fileName: string): boolean {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  return m !== null && SQL_SUFFIXES.includes(m[1].toLowerCase());
}
