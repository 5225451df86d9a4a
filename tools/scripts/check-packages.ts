/**
 * Release check for every public workspace package (`pnpm check:packages`, after `pnpm build`):
 * packs each one with `pnpm pack` (exactly what `changeset publish` uploads: workspace:* rewritten,
 * `publishConfig.exports` applied), then asserts on the tarball:
 *
 * - only built JS, `.d.ts`, the prebuilt Lambda bundle(s) `dist/lambda*\/index.mjs`, the local
 *   console's page (`dist/console-web/{index.html,app.js,app.css}`), README.md, CHANGELOG.md, LICENSE and package.json — no sources, tests, tsconfig, maps, metafiles;
 * - every `exports` target and every bundle the build script writes is inside;
 * - the packed manifest has no `workspace:` specs and no `@order-flow/source` condition (it points
 *   at src/, which is not shipped);
 * - CHANGELOG.md has the package heading and an entry for the packed version;
 * - `publint --strict` and `attw --profile esm-only` (the packages are ESM only) pass.
 *
 * Prints one line per package; exits 1 if any package fails. The pack helpers are exported for
 * the consumer test (tools/consumer-test), which installs the same tarballs outside the workspace.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is tools/scripts/check-packages.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A workspace package that is published (not `private`). */
export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute package directory. */
  readonly dir: string;
  readonly manifest: Manifest;
}

/** The `pnpm pack` result. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Paths inside the tarball, relative to its `package/` root, sorted. */
  readonly files: readonly string[];
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, Record<string, string> | string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  publishConfig?: Record<string, unknown>;
}

/** Every non-private package under packages/, sorted by name. */
export function publicPackages(root: string = REPO_ROOT): PublicPackage[] {
  const base = join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(base, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * How to run pnpm: the pnpm that runs this script (`npm_execpath` under `pnpm run`/`pnpm exec`),
 * else `npx -y pnpm@10` (a host may have no global pnpm; corepack is not relied on).
 */
export function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm\.[cm]?js$/.test(execPath)) return [process.execPath, [execPath]];
  return ['npx', ['-y', 'pnpm@10']];
}

/** `pnpm pack`s the package in `dir` into `destination`. Needs the package built (dist/). */
export async function packPackage(dir: string, destination: string): Promise<PackedPackage> {
  if (!existsSync(join(dir, 'dist'))) {
    throw new Error(`${dir} has no dist/: run \`pnpm build\` at the repository root first.`);
  }
  const [command, prefix] = pnpmCommand();
  const { stdout } = await run(command, [...prefix, 'pack', '--pack-destination', destination, '--json'], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as { name: string; version: string; filename: string; files: { path: string }[] };
  return {
    name: result.name,
    version: result.version,
    tarball: resolve(destination, result.filename),
    files: result.files.map((file) => file.path).sort(),
  };
}

/** What a published package may contain (paths relative to the tarball's package/ root). */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/(?:[\w.-]+\/)*[\w.-]+\.(?:js|d\.ts)$/,
  /^dist\/lambda(?:-[\w.-]+)?\/index\.mjs$/,
  /^dist\/console-web\/(?:index\.html|app\.js|app\.css)$/,
];
const REQUIRED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];

/** The Lambda bundle directories the package's build script writes (`bundle-lambda.ts <entry> [dir]`). */
export function lambdaBundles(manifest: Manifest): string[] {
  const build = manifest.scripts?.build ?? '';
  return [...build.matchAll(/bundle-lambda\.ts\s+\S+(?:[ \t]+([A-Za-z0-9][\w.-]*))?/g)].map(
    (match) => `dist/${match[1] ?? 'lambda'}/index.mjs`,
  );
}

/** Tarball problems found without running publint/attw. */
export function tarballProblems(pkg: PublicPackage, packed: PackedPackage, unpackedDir: string): string[] {
  const problems: string[] = [];
  const files = new Set(packed.files);
  for (const file of packed.files) {
    if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`unexpected file ${file}`);
  }
  for (const file of [...REQUIRED, ...lambdaBundles(pkg.manifest)]) {
    if (!files.has(file)) problems.push(`missing ${file}`);
  }

  const manifestText = readFileSync(join(unpackedDir, 'package.json'), 'utf8');
  const manifest = JSON.parse(manifestText) as Manifest;
  if (manifestText.includes('@order-flow/source')) problems.push('packed package.json still has the @order-flow/source condition');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
      if (spec.startsWith('workspace:')) problems.push(`${field}.${dep} is ${spec}`);
    }
  }
  for (const target of exportTargets(manifest.exports)) {
    if (!files.has(target.replace(/^\.\//, ''))) problems.push(`exports target ${target} is not in the tarball`);
  }
  for (const file of packed.files.filter((path) => /\.m?js$/.test(path))) {
    if (readFileSync(join(unpackedDir, file), 'utf8').includes('//# sourceMappingURL=')) {
      problems.push(`${file} references a source map that is not shipped`);
    }
  }
  const changelog = files.has('CHANGELOG.md') ? readFileSync(join(unpackedDir, 'CHANGELOG.md'), 'utf8') : '';
  if (changelog && !changelog.startsWith(`# ${pkg.name}\n`)) problems.push(`CHANGELOG.md must start with "# ${pkg.name}"`);
  if (changelog && !new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm').test(changelog)) {
    problems.push(`CHANGELOG.md has no "## ${pkg.version}" entry`);
  }
  return problems;
}

function exportTargets(exports: Manifest['exports']): string[] {
  const targets: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(exports);
  return targets;
}

interface CheckResult {
  readonly pkg: PublicPackage;
  readonly packed?: PackedPackage;
  readonly problems: string[];
}

async function tool(bin: string, args: string[]): Promise<string | undefined> {
  try {
    await run(join(REPO_ROOT, 'node_modules', '.bin', bin), args, { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return undefined;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${bin} failed:\n${stdout}${stderr}`.trimEnd();
  }
}

async function checkPackage(pkg: PublicPackage, workDir: string): Promise<CheckResult> {
  const dest = join(workDir, pkg.name.replace('@', '').replace('/', '-'));
  let packed: PackedPackage;
  try {
    packed = await packPackage(pkg.dir, dest);
  } catch (error) {
    return { pkg, problems: [(error as Error).message] };
  }
  const unpacked = join(dest, 'unpacked');
  await run('tar', ['-xzf', packed.tarball, '-C', dest]);
  await run('mv', [join(dest, 'package'), unpacked]);
  const problems = tarballProblems(pkg, packed, unpacked);
  const lints = await Promise.all([
    tool('publint', ['run', packed.tarball, '--strict']),
    // ESM-only packages: node10 and require() resolution are out of scope by design.
    tool('attw', [packed.tarball, '--profile', 'esm-only', '--no-emoji', '--no-color']),
  ]);
  problems.push(...lints.filter((message): message is string => message !== undefined));
  return { pkg, packed, problems };
}

/** Packs and checks every public package; resolves with the number of failing packages. */
export async function checkPackages(root: string = REPO_ROOT): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'order-flow-check-packages-'));
  try {
    const results = await Promise.all(publicPackages(root).map((pkg) => checkPackage(pkg, workDir)));
    for (const { pkg, packed, problems } of results) {
      const summary = packed
        ? `${packed.files.length} files, ${lambdaBundles(pkg.manifest).length} Lambda bundle(s)`
        : 'not packed';
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${pkg.name}@${pkg.version}  ${summary}${problems.length === 0 ? ', publint + attw clean' : ''}`);
      for (const problem of problems) console.log(`       ${problem.replace(/\n/g, '\n       ')}`);
    }
    return results.filter((result) => result.problems.length > 0).length;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const failed = await checkPackages();
  process.exit(failed === 0 ? 0 : 1);
}
