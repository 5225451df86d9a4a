/**
 * The package graph as Nx sees it (`nx graph --file`), checked against the dependency rules of
 * docs/ARCHITECTURE.md and drawn as the Mermaid picture in that file.
 *
 *   tsx tools/scripts/architecture.ts           rewrites the picture in docs/ARCHITECTURE.md
 *   tsx tools/scripts/architecture.ts --check   exits 1 when a rule is broken or the picture is stale
 *
 * The rules are on the projects' `scope:` tags (package.json `nx.tags`), so a new package is
 * checked as soon as it is tagged, and an untagged package is itself a violation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One project of the graph. */
export interface Project {
  readonly name: string;
  readonly root: string;
  /** The project's `scope:` tag without the prefix, e.g. `step`; undefined when untagged. */
  readonly scope: string | undefined;
}

/** One dependency edge: `source` depends on `target`. */
export interface Edge {
  readonly source: string;
  readonly target: string;
}

export interface ProjectGraph {
  readonly projects: readonly Project[];
  readonly edges: readonly Edge[];
}

/**
 * Which scopes a project of each scope may depend on. Why each line is what it is: see
 * docs/ARCHITECTURE.md ("Allowed dependency directions").
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // contracts, construct-kit, lambda-kit: depend on nothing of the workspace but each other.
  shared: ['shared'],
  // the engine and the local runtime: know nothing of orders.
  runtime: ['runtime'],
  // a step: the shared packages, and the local runtime for its tests; never another step.
  step: ['shared', 'runtime'],
  // the Order API: creates orders through order-status's public runtime API (the one documented
  // exception: it is the orders table's owner's code that writes, not a second writer).
  api: ['shared', 'runtime', 'step'],
  app: ['shared', 'runtime', 'step', 'api'],
  tooling: ['shared', 'runtime', 'step', 'api', 'app', 'tooling'],
};

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARCHITECTURE_MD = join(REPO_ROOT, 'docs', 'ARCHITECTURE.md');

/** The workspace's project graph, from `nx graph --file` (no daemon, no cloud). */
export function loadProjectGraph(root: string = REPO_ROOT): ProjectGraph {
  const dir = mkdtempSync(join(tmpdir(), 'order-flow-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
    });
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: {
        nodes: Record<string, { data: { root: string; tags?: string[] } }>;
        dependencies: Record<string, { target: string }[]>;
      };
    };
    const projects = Object.entries(graph.nodes)
      .map(([name, node]) => ({
        name,
        root: node.data.root,
        scope: node.data.tags?.find((tag) => tag.startsWith('scope:'))?.slice('scope:'.length),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(projects.map((project) => project.name));
    const edges = Object.entries(graph.dependencies)
      .flatMap(([source, deps]) => deps.map((dep) => ({ source, target: dep.target })))
      // npm packages are nodes of their own (`npm:zod`): only workspace edges matter here.
      .filter((edge) => names.has(edge.target))
      .sort((a, b) => `${a.source} ${a.target}`.localeCompare(`${b.source} ${b.target}`));
    return { projects, edges };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every broken rule, one sentence each naming both projects, their scopes and the rule. */
export function violations(graph: ProjectGraph, allowed: Readonly<Record<string, readonly string[]>> = ALLOWED): string[] {
  const byName = new Map(graph.projects.map((project) => [project.name, project]));
  const found: string[] = [];
  for (const project of graph.projects) {
    if (project.scope === undefined) found.push(`${project.name} (${project.root}) has no scope: tag in its package.json nx.tags`);
    else if (!(project.scope in allowed)) found.push(`${project.name} has scope:${project.scope}, which no rule names (known: ${Object.keys(allowed).join(', ')})`);
  }
  for (const edge of graph.edges) {
    const source = byName.get(edge.source);
    const target = byName.get(edge.target);
    if (!source?.scope || !target?.scope || !(source.scope in allowed)) continue;
    const may = allowed[source.scope]!;
    if (!may.includes(target.scope)) {
      found.push(
        `${edge.source} (scope:${source.scope}) must not depend on ${edge.target} (scope:${target.scope}): ` +
          `scope:${source.scope} may depend on ${may.map((scope) => `scope:${scope}`).join(', ')} only`,
      );
    }
  }
  return found;
}

/** The graph as a Mermaid flowchart, one subgraph per scope (tooling left out: it may use anything). */
export function mermaid(graph: ProjectGraph): string {
  const shown = graph.projects.filter((project) => project.scope !== 'tooling');
  const ids = new Map(shown.map((project) => [project.name, project.name.replace(/^@order-flow\//, '').replace(/[^A-Za-z0-9]/g, '_')]));
  const lines = ['```mermaid', 'flowchart BT'];
  for (const scope of Object.keys(ALLOWED)) {
    const members = shown.filter((project) => project.scope === scope);
    if (members.length === 0) continue;
    lines.push(`  subgraph scope_${scope}["scope:${scope}"]`);
    for (const project of members) lines.push(`    ${ids.get(project.name)}["${project.name}<br/>${project.root}"]`);
    lines.push('  end');
  }
  for (const edge of graph.edges) {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    if (source && target) lines.push(`  ${source} --> ${target}`);
  }
  lines.push('```');
  return lines.join('\n');
}

const BEGIN = '<!-- graph:begin (generated by tools/scripts/architecture.ts; do not edit) -->';
const END = '<!-- graph:end -->';

/** `markdown` with the text between the graph markers replaced by `picture`. */
export function withPicture(markdown: string, picture: string): string {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/ARCHITECTURE.md must hold the markers ${BEGIN} ... ${END}`);
  return `${markdown.slice(0, start + BEGIN.length)}\n${picture}\n${markdown.slice(end)}`;
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean' } } });
  const graph = loadProjectGraph();
  const broken = violations(graph);
  const current = readFileSync(ARCHITECTURE_MD, 'utf8');
  const next = withPicture(current, mermaid(graph));
  if (values.check) {
    for (const message of broken) console.error(`boundary: ${message}`);
    if (next !== current) console.error('docs/ARCHITECTURE.md: the picture is stale; run `tsx tools/scripts/architecture.ts`');
    if (broken.length > 0 || next !== current) process.exit(1);
    console.log(`architecture: ${graph.projects.length} projects, ${graph.edges.length} edges, every rule holds`);
    return;
  }
  writeFileSync(ARCHITECTURE_MD, next);
  for (const message of broken) console.error(`boundary: ${message}`);
  process.exit(broken.length > 0 ? 1 : 0);
}

if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) main();
