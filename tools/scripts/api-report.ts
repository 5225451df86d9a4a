/**
 * Public API reports of a published package, by API Extractor: one `api/<name>.api.md` per entry
 * of the package's published `exports` (API Extractor reads one entry point at a time), made from
 * the built `.d.ts` files. The reports are checked in, so every change to a package's surface shows
 * in review as a diff of these files.
 *
 *   tsx ../../tools/scripts/api-report.ts          (in a package: the `api` target, after `build`)
 *     locally: rewrites the reports that changed and says so
 *     in CI (CI set) or with --check: rewrites nothing, exits 1 when a report is out of date
 *
 * Why API Extractor runs with its own TypeScript: it bundles the compiler it analyses with (6.0.3
 * for 7.60.1, the repository's version), and it only reads `.d.ts` output, so it needs no source
 * condition or build settings of ours beyond the module resolution.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, { readonly types?: string }>;
  readonly publishConfig?: { readonly exports?: Record<string, { readonly types?: string }> };
}

/** One published entry point: its subpath (`.`, `./runtime`), its `.d.ts` and its report's file name. */
export interface ApiEntry {
  readonly subpath: string;
  readonly typesFile: string;
  readonly reportFileName: string;
}

/**
 * The entries of a package's published `exports` that have types, with their report names:
 * `@order-flow/order-status` `.` -> `order-status.api.md`, `./runtime` -> `order-status-runtime.api.md`.
 */
export function apiEntries(manifest: Manifest): ApiEntry[] {
  const exports = manifest.publishConfig?.exports ?? manifest.exports ?? {};
  const base = manifest.name.replace(/^@[^/]+\//, '');
  return Object.entries(exports)
    .filter((entry): entry is [string, { types: string }] => typeof entry[1].types === 'string')
    .map(([subpath, target]) => ({
      subpath,
      typesFile: target.types,
      reportFileName: `${[base, ...subpath.replace(/^\.\/?/, '').split('/').filter(Boolean)].join('-')}.api.md`,
    }));
}

/** API Extractor's configuration for one entry: only the API report, no d.ts rollup or doc model. */
function configFor(packageDir: string, entry: ApiEntry, all: readonly ApiEntry[]): IConfigFile {
  return {
    projectFolder: packageDir,
    mainEntryPointFilePath: resolve(packageDir, entry.typesFile),
    compiler: {
      // The built declarations only; module resolution as the package's consumers have it.
      overrideTsconfig: {
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2024', lib: ['es2024'], types: ['node'], skipLibCheck: true },
        files: all.map((each) => resolve(packageDir, each.typesFile)),
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.reportFileName,
      reportFolder: join(packageDir, 'api'),
      reportTempFolder: join(packageDir, '.tmp', 'api'),
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      // The report is a review aid, not a TSDoc gate: release tags (@public/@beta) are not used here,
      // and TSDoc syntax is linted where it is written.
      extractorMessageReporting: {
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

/** Runs API Extractor on every entry of the package in `packageDir`; returns the entries whose report was out of date. */
export function apiReport(packageDir: string, options: { readonly check: boolean }): { entry: ApiEntry; errors: number; changed: boolean }[] {
  const packageJsonFullPath = join(packageDir, 'package.json');
  const manifest = JSON.parse(readFileSync(packageJsonFullPath, 'utf8')) as Manifest;
  if (manifest.private) throw new Error(`${manifest.name} is private: it has no public API to report`);
  mkdirSync(join(packageDir, 'api'), { recursive: true });
  const entries = apiEntries(manifest);
  for (const entry of entries) {
    if (!existsSync(resolve(packageDir, entry.typesFile))) {
      throw new Error(`${manifest.name}: ${entry.typesFile} (exports "${entry.subpath}") does not exist: build the package first`);
    }
  }
  const configs = entries.map((entry) =>
    ExtractorConfig.prepare({ configObject: configFor(packageDir, entry, entries), configObjectFullPath: undefined, packageJsonFullPath }),
  );
  // One TypeScript program for all entries (API Extractor's documented way to share it), instead
  // of one per entry: local-runtime has eleven.
  const [first] = configs;
  if (!first) return [];
  const compilerState = CompilerState.create(first, { additionalEntryPoints: configs.map((config) => config.mainEntryPointFilePath) });
  return entries.map((entry, index) => {
    const result = Extractor.invoke(configs[index]!, {
      localBuild: !options.check,
      compilerState,
      messageCallback: (message) => {
        // API Extractor's own progress lines; problems still print.
        if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) message.handled = true;
      },
    });
    return { entry, errors: result.errorCount, changed: result.apiReportChanged };
  });
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' } } });
  const packageDir = process.cwd();
  const results = apiReport(packageDir, { check: values.check });
  let failed = false;
  for (const { entry, errors, changed } of results) {
    const where = `api/${entry.reportFileName}`;
    if (errors > 0) failed = true;
    if (changed && values.check) {
      failed = true;
      console.error(`${where}: out of date; run the package's \`api\` target locally and commit the report`);
    } else if (changed) {
      console.log(`${where}: updated (commit it with the change)`);
    } else {
      console.log(`${where}: up to date`);
    }
  }
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
