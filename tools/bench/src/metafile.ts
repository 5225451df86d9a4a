/** What is in a bundle: bytes in the output per npm package (or workspace source), from the esbuild metafile. */
import { readFileSync } from 'node:fs';

/** Bytes per package, largest first. */
export interface BreakdownEntry {
  readonly module: string;
  readonly bytes: number;
}

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Package that an input path belongs to (`@scope/name`, `name`, or `(workspace sources)`). */
export function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(workspace sources)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The `top` largest packages of the bundle described by the metafile at `path`. */
export function metafileBreakdown(path: string, top = 12): BreakdownEntry[] {
  const meta = JSON.parse(readFileSync(path, 'utf8')) as Metafile;
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = packageOf(input);
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([module, bytes]) => ({ module, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, top);
}
