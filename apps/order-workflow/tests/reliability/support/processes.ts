/**
 * Real processes for the restart scenario: starts a LocalOrderStack in a child process
 * (stack-process.ts), kills processes with SIGKILL and waits until they are gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StackProcessReady } from './stack-process.js';

const SCRIPT = fileURLToPath(new URL('./stack-process.ts', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../../..', import.meta.url));
/** Linux's process table, where a zombie can be told from a running process. */
const HAS_PROC = existsSync('/proc/self/stat');

/** A stack running in a child process: its API, its pid and its DynamoDB Local's pid. */
export interface StackProcess extends StackProcessReady {
  readonly child: ChildProcess;
  /** Resolves with the signal (or exit code) the child ended with, once Node.js has reaped it. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** What the child wrote on stderr (the first 16 KB), for failure messages. */
  stderr(): string;
}

/**
 * Starts stack-process.ts with the Node.js running the tests and tsx, resolving workspace
 * packages to their sources as `pnpm start` does (`--conditions=@order-flow/source`), and
 * resolves once it printed its ready line.
 * @throws when the child exits or stays silent for `timeoutMs` (it is then stopped with SIGTERM,
 *   which still stops its DynamoDB Local)
 */
export function startStackProcess(assemblyDir: string, dynamodbDataDir: string, timeoutMs = 120_000): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@order-flow/source', SCRIPT, assemblyDir, dynamodbDataDir], {
    cwd: APP_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 16_384) stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (why: string) => {
      if (ready) return; // a later exit (the kill) is the test's business
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`The stack process did not start within ${timeoutMs} ms`), timeoutMs);
    void exited.then((how) => fail(`The stack process exited (${String(how)}) before it was ready`));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      ready = true;
      resolve({ ...(JSON.parse(stdout.slice(0, end)) as StackProcessReady), child, exited, stderr: () => stderr });
    });
  });
}

/** SIGKILLs every pid in the same tick; a pid already gone is skipped. */
export function killHard(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/**
 * True while `pid` runs. A killed process nobody has reaped yet (a zombie: its parent was killed
 * too) counts as gone: it runs nothing and holds no port or file.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  if (!HAS_PROC) return true;
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state letter follows the command's closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // reaped between the two checks
    throw error;
  }
}

/** Waits until none of `pids` is alive (polling every 20 ms). @throws after `timeoutMs` */
export async function waitGone(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`Still alive after ${timeoutMs} ms: ${pids.filter(isAlive).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
