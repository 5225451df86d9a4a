/**
 * The public API reports (tools/scripts/api-report.ts, API Extractor): every published entry point
 * has a checked-in report, and the check mode CI uses fails on a stale report (shown on a scratch
 * package with a two-line declaration file, so API Extractor's run stays short).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEntries, apiReport } from '../../scripts/api-report.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

type Manifest = Parameters<typeof apiEntries>[0];
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

describe('API report names', () => {
  it('one report per published entry, named after the package and the subpath', () => {
    const manifest: Manifest = {
      name: '@order-flow/local',
      publishConfig: { exports: { '.': { types: './dist/index.d.ts' }, './stepfunctions': { types: './dist/stepfunctions/index.d.ts' } } },
    };
    expect(apiEntries(manifest).map((e) => e.reportFileName)).toEqual(['local.api.md', 'local-stepfunctions.api.md']);
  });
});

describe('the checked-in reports', () => {
  const published = readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')) && manifestOf(dir).private !== true);

  it('cover every entry of every published package', () => {
    expect(published.length).toBeGreaterThanOrEqual(9);
    const missing = published.flatMap((dir) =>
      apiEntries(manifestOf(dir)).map((e) => join(dir, 'api', e.reportFileName)).filter((file) => !existsSync(file)),
    );
    expect(missing).toEqual([]);
  });

  it('would miss a new entry point (negative control)', () => {
    const dir = join(root, 'packages', 'order-status');
    const manifest = manifestOf(dir);
    const withNewEntry: Manifest = { ...manifest, publishConfig: { exports: { ...manifest.publishConfig?.exports, './admin': { types: './dist/admin.d.ts' } } } };
    const files = apiEntries(withNewEntry).map((e) => join(dir, 'api', e.reportFileName));
    expect(files.filter((file) => !existsSync(file)).map((file) => file.slice(dir.length + 1))).toEqual(['api/order-status-admin.api.md']);
  });
});

describe('check mode (what CI runs) on a scratch package', () => {
  // Inside the workspace so the declarations resolve @types/node like the real packages.
  const dir = join(root, 'tools', 'workspace', '.tmp', 'api-report-scratch');
  const report = join(dir, 'api', 'scratch.api.md');

  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@order-flow/scratch', version: '0.0.0', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }));
    writeFileSync(join(dir, 'dist', 'index.d.ts'), '/** Adds. */\nexport declare function add(a: number, b: number): number;\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a stale report and rewrites nothing; the local run rewrites it; then the check passes', () => {
    mkdirSync(join(dir, 'api'), { recursive: true });
    writeFileSync(report, 'stale\n');

    const [stale] = apiReport(dir, { check: true });
    expect(stale).toMatchObject({ changed: true, entry: { reportFileName: 'scratch.api.md' } });
    expect(readFileSync(report, 'utf8')).toBe('stale\n');

    const [updated] = apiReport(dir, { check: false });
    expect(updated?.changed).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain('export function add(a: number, b: number): number;');

    const [fresh] = apiReport(dir, { check: true });
    expect(fresh).toMatchObject({ changed: false, errors: 0 });
  });
});
