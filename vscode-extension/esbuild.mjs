// Builds the extension bundle (dist/extension.js) or, with --tests, the unit tests (out/test/*.test.js).
//   node esbuild.mjs               development bundle with source maps
//   node esbuild.mjs --production  minified bundle, no source maps (what the .vsix ships)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       one bundle per test/*.test.ts; `vscode` is not resolvable, so a
//                                  pure module that imports it fails the build
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  const entryPoints = readdirSync('test')
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `test/${f}`);
  await esbuild.build({
    entryPoints,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'out/test',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
} else {
  const options = {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  };
  if (args.has('--watch')) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log('watching src/ ...');
  } else {
    rmSync('dist', { recursive: true, force: true });
    const result = await esbuild.build(options);
    writeNotices(result.metafile);
  }
}

/** dist/THIRD-PARTY-NOTICES.txt: name, version, license and license text of every bundled package. */
function writeNotices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const parts = ['Third-party software bundled in dist/extension.js', ''];
  for (const dir of [...dirs].sort()) {
    const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    parts.push('='.repeat(78), `${meta.name} ${meta.version} (${meta.license ?? 'see below'})`, meta.homepage ?? '', '');
    parts.push(licenseFile && existsSync(path.join(dir, licenseFile)) ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : '(no license file in the package)', '');
  }
  writeFileSync('dist/THIRD-PARTY-NOTICES.txt', parts.join('\n') + '\n');
}
