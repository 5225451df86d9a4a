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
  if (/^(vitest\.config|eslint\.config)\./.test(relativePath) || relativePath === 'tsconfig.json') return false;
  return true;
}

/** Package names listed in the front matter of changeset files (`"@scope/name": patch`). */
export function packagesInChangesets(changesetFiles: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of changesetFiles) {
    const front = /^---\s*\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split('\n')) {
      const match = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (match) names.add(match[1]!.trim());
    }
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
  const baseArg = process.argv.indexOf('--base');
  const base = baseArg > 0 ? process.argv[baseArg + 1]! : (process.env.CHANGESET_BASE ?? 'main');
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
  const changesets = readdirSync(changesetDir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => readFileSync(join(changesetDir, file), 'utf8'));
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
