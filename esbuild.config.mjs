// Prebundles the entry points `make synth` and `make verify` run (config/check.ts, infra/main.ts, k8s/main.ts,
// verify/main.ts) into the git-ignored .build/bundle/, so each run starts one JavaScript file instead of tsx
// transpiling and resolving hundreds of TypeScript modules and thousands of package files (see `make bench`).
// Also writes .build/bundle/deps.mk: every file a bundle was built from, so make rebuilds a bundle only when one of
// them changed. The bundles run the same code as tsx does; `make synth` output stays byte-identical.
//
// Usage: node esbuild.config.mjs <name>...   (names: check, infra, k8s, verify; none: all)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';

const root = import.meta.dirname;
const outdir = path.join(root, '.build', 'bundle');

/** Bundle name → entry point. */
export const ENTRIES = {
  check: 'config/check.ts',
  infra: 'infra/main.ts',
  k8s: 'k8s/main.ts',
  verify: 'verify/main.ts',
};

// Packages left to Node's own resolution at run time. kubernetes-models is required by computed name
// (verify/schemas.ts) and esbuild cannot follow that; the others load their native or worker files by path.
const EXTERNAL = ['kubernetes-models', '@kubernetes-models/*', 'esbuild', 'dt-sql-parser/package.json'];

/**
 * The repository's modules read `__dirname` and `__filename` to find the repository root and their data files. In a
 * bundle those would name .build/bundle/, so each module that reads them gets its own pair, computed at run time from
 * the bundle's location (never an absolute path baked into the file: the repository may be copied or moved).
 */
const modulePaths = {
  name: 'module-paths',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const relative = path.relative(root, args.path).split(path.sep).join('/');
      if (
        relative.startsWith('..') ||
        relative.startsWith('node_modules/') ||
        !/__(dirname|filename)/.test(text)
      ) {
        return { contents: text, loader: 'ts' };
      }
      // One line, prepended to the first: line numbers in stack traces stay those of the source.
      const prefix =
        `const __filename = require('node:path').join(__bundleRoot, ${JSON.stringify(relative)}); ` +
        `const __dirname = require('node:path').dirname(__filename); `;
      return { contents: prefix + text, loader: 'ts' };
    });
  },
};

async function bundle(name) {
  const entry = ENTRIES[name];
  if (entry === undefined)
    throw new Error(`unknown bundle '${name}'; known: ${Object.keys(ENTRIES).join(', ')}`);
  const outfile = path.join(outdir, `${name}.js`);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    // .build/bundle/ is two levels below the repository root.
    banner: { js: "const __bundleRoot = require('node:path').resolve(__dirname, '..', '..');" },
    plugins: [modulePaths],
    metafile: true,
    logLevel: 'warning',
    // Keeps class and function names as in the source: some libraries and error messages print them.
    keepNames: true,
    legalComments: 'none',
    write: false,
  });
  // Written under a unique name, then renamed: a make running beside this one never starts half a bundle.
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.includes(':'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
  const target = path.relative(root, outfile).split(path.sep).join('/');
  const escape = (file) => file.replace(/([ #$])/g, '\\$1');
  // An empty rule per input (as `gcc -MP` writes): a deleted or renamed source rebuilds the bundle instead of
  // stopping make with "no rule to make target".
  return (
    `${target}: ${inputs.map(escape).join(' \\\n  ')}\n` + inputs.map((file) => `${escape(file)}:\n`).join('')
  );
}

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(ENTRIES);
fs.mkdirSync(outdir, { recursive: true });
for (const name of names) {
  const rule = await bundle(name);
  fs.writeFileSync(path.join(outdir, `${name}.d`), rule);
}
