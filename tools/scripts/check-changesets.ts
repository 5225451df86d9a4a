/**
 * `pnpm check:changesets [--base <ref>]`: fails when a published package (a non-private
 * package under packages/) changed since the base without a changeset naming it.
 *
 * Written here rather than using `changeset status`: that command needs the base branch as a
 * remote-tracking ref and fails on a fresh shallow CI clone, and it cannot ignore changes that
 * do not ship (tests, READMEs). This check looks only at files a package publishes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseChangesetFile } from '@changesets/parse';

/** A workspace package that is published to npm. */
export interface PublicPackage {
  readonly name: string;
  /** Directory relative to the repo root, e.g. `packages/payment`. */
  readonly dir: string;
}

/** Published packages of the workspace: every non-private package.json under packages/. */
export function publicPackages(root: string): PublicPackage[] {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({ dir: `packages/${name}`, manifest: JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { name: string; private?: boolean } }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir: pkgDir, manifest }) => ({ name: manifest.name, dir: pkgDir }));
}

/** True when a changed file ships to users (sources, manifest), not tests or docs. */
export function shipsToUsers(relativePath: string): boolean {
  if (/^(tests|test|__tests__)\//.test(relativePath)) return false;
  if (/(^|\/)(README|CHANGELOG)\.md$/.test(relativePath)) return false;
  // The public API reports (tools/scripts/api-report.ts) describe the surface; they are not packed.
  if (/^api\/[^/]+\.api\.md$/.test(relativePath)) return false;
  if (/^(vitest\.config|eslint\.config)\./.test(relativePath) || relativePath === 'tsconfig.json') return false;
  return true;
}

/**
 * Package names listed in the front matter of changeset files (`"@scope/name": patch`), read by
 * Changesets' own parser, so this check and `changeset version` agree on what a file releases.
 * @throws Error naming the file when one is not a valid changeset
 */
export function packagesInChangesets(changesetFiles: readonly string[] | ReadonlyMap<string, string>): Set<string> {
  // A map names each file in errors; a plain list numbers them.
  const files: (readonly [string, string])[] =
    'get' in changesetFiles ? [...changesetFiles] : changesetFiles.map((text, index) => [`changeset #${index + 1}`, text] as const);
  const names = new Set<string>();
  for (const [file, text] of files) {
    let releases: { name: string }[];
    try {
      ({ releases } = parseChangesetFile(text));
    } catch (error) {
      throw new Error(`${file} is not a valid changeset: ${(error as Error).message}`, { cause: error });
    }
    for (const release of releases) names.add(release.name);
  }
  return names;
}

/** Published packages with shipped changes but no changeset. */
export function missingChangesets(packages: readonly PublicPackage[], changedFiles: readonly string[], covered: ReadonlySet<string>): PublicPackage[] {
  return packages.filter(
    (pkg) =>
      !covered.has(pkg.name) &&
      changedFiles.some((file) => file.startsWith(`${pkg.dir}/`) && shipsToUsers(file.slice(pkg.dir.length + 1))),
  );
}

function main(): void {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const { values } = parseArgs({ options: { base: { type: 'string' } } });
  const base = values.base ?? process.env.CHANGESET_BASE ?? 'main';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
  const mergeBase = git('merge-base', base, 'HEAD').trim();
  // Committed changes since the base plus anything staged or in the working tree.
  const changed = new Set(
    [git('diff', '--name-only', mergeBase, 'HEAD'), git('diff', '--name-only', 'HEAD'), git('ls-files', '--others', '--exclude-standard')]
      .join('\n')
      .split('\n')
      .filter(Boolean),
  );
  const changesetDir = join(root, '.changeset');
  const changesets = new Map(
    readdirSync(changesetDir)
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .map((file) => [`.changeset/${file}`, readFileSync(join(changesetDir, file), 'utf8')] as const),
  );
  const missing = missingChangesets(publicPackages(root), [...changed], packagesInChangesets(changesets));
  if (missing.length > 0) {
    console.error(
      `These published packages changed since ${base} without a changeset:\n` +
        missing.map((pkg) => `  - ${pkg.name} (${pkg.dir})`).join('\n') +
        `\nRun \`pnpm changeset\`, pick them, and describe the change for their users.`,
    );
    process.exit(1);
  }
  console.log(`changesets: ok (${changed.size} changed files since ${base})`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) main();
