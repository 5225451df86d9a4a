/**
 * The dependency rules of docs/ARCHITECTURE.md, on the real Nx project graph, with negative
 * controls on graphs that break them; and the document's picture is the graph of the code.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURE_MD, loadProjectGraph, mermaid, violations, withPicture, type ProjectGraph } from '../../scripts/architecture.ts';

let graph: ProjectGraph;
beforeAll(() => {
  graph = loadProjectGraph();
});

const project = (name: string, scope: string | undefined) => ({ name, root: `packages/${name}`, scope });

describe('architecture rules on the real project graph', () => {
  it('holds every rule: every project tagged, no edge a rule forbids', () => {
    expect(graph.projects.map((p) => p.name)).toEqual(expect.arrayContaining(['@order-flow/inventory', '@order-flow/lambda-kit', '@order-flow/order-api']));
    expect(violations(graph)).toEqual([]);
  });

  it('is the picture in docs/ARCHITECTURE.md (run `tsx tools/scripts/architecture.ts` to redraw it)', () => {
    const markdown = readFileSync(ARCHITECTURE_MD, 'utf8');
    expect(withPicture(markdown, mermaid(graph))).toBe(markdown);
  });
});

describe('architecture rules (negative controls)', () => {
  const base: ProjectGraph = {
    projects: [project('contracts', 'shared'), project('inventory', 'step'), project('payment', 'step'), project('order-api', 'api'), project('local', 'runtime')],
    edges: [
      { source: 'inventory', target: 'contracts' },
      { source: 'order-api', target: 'inventory' },
    ],
  };

  it('accepts the allowed edges', () => {
    expect(violations(base)).toEqual([]);
  });

  it('refuses a step depending on another step, naming both and the rule', () => {
    const broken = { ...base, edges: [...base.edges, { source: 'payment', target: 'inventory' }] };
    expect(violations(broken)).toEqual([
      'payment (scope:step) must not depend on inventory (scope:step): scope:step may depend on scope:shared, scope:runtime only',
    ]);
  });

  it('refuses the shared layer or the runtime depending on a step', () => {
    const broken = { ...base, edges: [{ source: 'contracts', target: 'inventory' }, { source: 'local', target: 'payment' }] };
    expect(violations(broken)).toHaveLength(2);
  });

  it('refuses a project without a scope tag', () => {
    const broken = { ...base, projects: [...base.projects, project('shipping', undefined)] };
    expect(violations(broken)).toEqual(['shipping (packages/shipping) has no scope: tag in its package.json nx.tags']);
  });
});
