/**
 * A real npm registry on localhost for the consumer test: Verdaccio, in this process, on
 * 127.0.0.1 and a port the OS picks, with its config, storage and htpasswd file in a directory
 * the caller owns (and deletes).
 *
 * `@order-flow/*` is local only: no uplink, so those packages exist only if the test publishes
 * them (a name squatted on npmjs could never leak in). Everything else is proxied to the npm
 * registry npm is configured with, as a company registry in front of npmjs would be, so the consumer installs its whole
 * tree through this one URL.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { runServer } from 'verdaccio';
import { REPO_ROOT, packPackage, type PackedPackage } from '../../scripts/check-packages.ts';

const run = promisify(execFile);

/**
 * The registry npm itself is configured with (npmjs, or a mirror in front of it): the uplink
 * everything but `@order-flow/*` is proxied to.
 */
export async function npmRegistry(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const { stdout } = await run('npm', ['config', 'get', 'registry'], { env, cwd });
  const url = stdout.trim();
  return url.endsWith('/') ? url : `${url}/`;
}

/** A running local registry. */
export interface LocalRegistry {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41567/`. */
  readonly url: string;
  /**
   * A user config (`--userconfig`) holding a dummy auth token for the registry: npm refuses to
   * publish without one, and Verdaccio lets `$anonymous` publish `@order-flow/*` with any token.
   * It also keeps the caller's own ~/.npmrc out of the run.
   */
  readonly npmrc: string;
  /** Stops the server and drops open connections (npm keeps sockets alive). */
  stop(): Promise<void>;
}

/** Starts Verdaccio with config and storage under `dir` (created if missing), proxying to `uplink`. */
export async function startLocalRegistry(dir: string, uplink: string): Promise<LocalRegistry> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config.yaml');
  // JSON is YAML: no quoting pitfalls with paths. The limits are raised so that a slow npmjs
  // response on a cold cache does not mark the uplink down (the default gives up after 2 fails).
  writeFileSync(
    config,
    JSON.stringify(
      {
        storage: join(dir, 'storage'),
        auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
        uplinks: { npmjs: { url: uplink, timeout: '60s', max_fails: 10, fail_timeout: '10s' } },
        packages: {
          '@order-flow/*': { access: '$all', publish: '$anonymous', unpublish: '$anonymous' },
          '**': { access: '$all', publish: '$authenticated', proxy: 'npmjs' },
        },
        logs: { type: 'stdout', format: 'json', level: 'error' },
        web: { enable: false },
      },
      null,
      2,
    ),
  );

  const server = (await runServer(config)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;

  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=order-flow-consumer-test\n`);

  return {
    url,
    npmrc,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** `npm publish <tarball>` to the local registry; returns npm's output. */
export async function publishTarball(registry: LocalRegistry, tarball: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await run(
    'npm',
    ['publish', tarball, '--registry', registry.url, '--userconfig', registry.npmrc, '--access', 'public', '--no-provenance', '--loglevel=warn'],
    // From the tarball's directory: no project .npmrc or workspace settings of the repository apply.
    { cwd: dirname(tarball), env, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout + stderr;
}

/** Runs a step of a test's setup, recording its wall time. */
export type TimedStep = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/**
 * A {@link TimedStep} that records each step's wall time in ms under its label in `timings`
 * (the tests print them, to show where the minutes go).
 */
export function stopwatch(timings: Record<string, number>): TimedStep {
  return async (label, work) => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[label] = Math.round(performance.now() - start);
    }
  };
}

/**
 * Packs the workspace packages `dirs` (under packages/) into `<scratch>/tarballs` exactly as they
 * would be uploaded while Verdaccio starts in `<scratch>/registry` (proxying to `uplink`), then
 * publishes every tarball to it; the steps are timed as `pack`, `registry start` and `publish`.
 * If publishing fails the registry is stopped before the error is rethrown.
 */
export async function publishToLocalRegistry(options: {
  readonly scratch: string;
  readonly dirs: readonly string[];
  readonly uplink: string | Promise<string>;
  readonly env: NodeJS.ProcessEnv;
  readonly timed: TimedStep;
}): Promise<{ readonly packed: PackedPackage[]; readonly registry: LocalRegistry }> {
  const { scratch, dirs, env, timed } = options;
  const [packed, registry] = await Promise.all([
    timed('pack', () => Promise.all(dirs.map((dir) => packPackage(join(REPO_ROOT, 'packages', dir), join(scratch, 'tarballs'))))),
    timed('registry start', async () => startLocalRegistry(join(scratch, 'registry'), await options.uplink)),
  ]);
  try {
    await timed('publish', () => Promise.all(packed.map((pkg) => publishTarball(registry, pkg.tarball, env))));
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return { packed, registry };
}
