/**
 * A state machine drawn from its ASL definition: every state a box, laid out top to bottom by
 * dagre; Parallel branches and Map item processors laid out on their own and drawn inside their
 * state (so nesting goes as deep as the definition); Catch edges dashed, states with a Retry
 * marked. Rendered as SVG with zoom and pan (wheel, drag, buttons and keyboard).
 */
import { Graph, layout } from '@dagrejs/dagre';

type Json = Record<string, unknown>;
interface Point {
  x: number;
  y: number;
}

/** A box of the drawing: a state, a Parallel branch, or the start/end markers. */
export interface Box {
  readonly id: string;
  readonly kind: 'state' | 'start' | 'end' | 'branch';
  readonly label: string;
  readonly type: string;
  readonly retry?: string;
  x: number;
  y: number;
  readonly w: number;
  readonly h: number;
}

/** An edge of the drawing. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
  readonly label?: string;
  points: Point[];
}

/** A laid-out block of states; coordinates are relative to its top-left corner. */
export interface Drawing {
  readonly width: number;
  readonly height: number;
  readonly boxes: Box[];
  readonly edges: Edge[];
}

const SVG = 'http://www.w3.org/2000/svg';
const PAD = 14;
const HEADER = 26;
const NODE_H = 38;
const START = '\u0000start';
const END = '\u0000end';

const short = (text: string, max = 30) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What a Choice rule tests, in a few words (its Variable/Condition and operator). */
function ruleLabel(rule: Json): string {
  if (typeof rule.Condition === 'string') return short(rule.Condition);
  const op = Object.keys(rule).find((key) => key !== 'Variable' && key !== 'Next' && key !== 'Assign' && key !== 'Comment');
  if (op === undefined) return 'rule';
  if (op === 'And' || op === 'Or' || op === 'Not') return op;
  const value = rule[op];
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '';
  return short(`${variable} ${op} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/** Lays out one block (`StartAt` + `States`); the top level also gets Start and End markers. */
export function layoutBlock(block: Json, top: boolean): Drawing {
  const states = (block.States ?? {}) as Record<string, Json>;
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, marginx: 8, marginy: 8 });
  const inner = new Map<string, { drawings: Drawing[]; kind: 'Parallel' | 'Map' }>();
  const sizes = new Map<string, { w: number; h: number }>();

  for (const [name, state] of Object.entries(states)) {
    let w = Math.max(120, name.length * 7.4 + 36);
    let h = NODE_H;
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      const drawings = (state.Branches as Json[]).map((branch) => layoutBlock(branch, false));
      inner.set(name, { drawings, kind: 'Parallel' });
      w = Math.max(w, drawings.reduce((sum, d) => sum + d.width + 2 * PAD, 0) + PAD);
      h = HEADER + Math.max(...drawings.map((d) => d.height + 2 * PAD), 0) + PAD;
    } else if (state.Type === 'Map') {
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) {
        const drawing = layoutBlock(processor, false);
        inner.set(name, { drawings: [drawing], kind: 'Map' });
        w = Math.max(w, drawing.width + 2 * PAD);
        h = HEADER + drawing.height + PAD;
      }
    }
    sizes.set(name, { w, h });
    g.setNode(name, { width: w, height: h });
  }
  // This block's edges get their points from dagre below; nested blocks' edges arrive laid out.
  const edges: (Omit<Edge, 'points'> & { points?: Point[] })[] = [];
  const add = (from: string, to: string, kind: Edge['kind'], label?: string) => {
    if (!g.hasNode(to)) return; // a Next naming no state: the definition is invalid, draw what exists
    const name = `e${edges.length}`;
    g.setEdge(from, to, { width: label ? Math.min(label.length * 6.2, 190) : 0, height: label ? 14 : 0, labelpos: 'c' }, name);
    edges.push({ from, to, kind, ...(label !== undefined && { label }) });
  };
  if (top) {
    g.setNode(START, { width: 64, height: 28 });
    g.setNode(END, { width: 64, height: 28 });
    if (typeof block.StartAt === 'string') add(START, block.StartAt, 'next');
  }
  for (const [name, state] of Object.entries(states)) {
    if (typeof state.Next === 'string') add(name, state.Next, 'next');
    if (Array.isArray(state.Choices)) (state.Choices as Json[]).forEach((rule) => typeof rule.Next === 'string' && add(name, rule.Next, 'choice', ruleLabel(rule)));
    if (typeof state.Default === 'string') add(name, state.Default, 'default', 'Default');
    if (Array.isArray(state.Catch)) {
      for (const catcher of state.Catch as Json[]) {
        if (typeof catcher.Next === 'string') add(name, catcher.Next, 'catch', short(((catcher.ErrorEquals as string[] | undefined) ?? []).join(', '), 28));
      }
    }
    if (top && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail')) add(name, END, 'next');
  }
  layout(g);

  const boxes: Box[] = [];
  for (const id of g.nodes()) {
    const node = g.node(id) as { x: number; y: number; width: number; height: number };
    const x = node.x - node.width / 2;
    const y = node.y - node.height / 2;
    if (id === START || id === END) {
      boxes.push({ id, kind: id === START ? 'start' : 'end', label: id === START ? 'Start' : 'End', type: 'marker', x, y, w: node.width, h: node.height });
      continue;
    }
    const state = states[id]!;
    const retry = Array.isArray(state.Retry) ? (state.Retry as Json[]).map((r) => `${((r.ErrorEquals as string[] | undefined) ?? []).join(', ')} (max ${typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3})`).join('; ') : undefined;
    boxes.push({ id, kind: 'state', label: id, type: String(state.Type), ...(retry !== undefined && { retry }), x, y, w: node.width, h: node.height });
    const nested = inner.get(id);
    if (!nested) continue;
    let left = x + PAD;
    nested.drawings.forEach((drawing, index) => {
      const branchX = nested.kind === 'Parallel' ? left : x + (node.width - drawing.width) / 2;
      const branchY = y + HEADER + (nested.kind === 'Parallel' ? PAD : 0);
      if (nested.kind === 'Parallel') {
        boxes.push({ id: `${id}#${index}`, kind: 'branch', label: `Branch ${index + 1}`, type: 'branch', x: branchX - PAD / 2, y: branchY - PAD / 2, w: drawing.width + PAD, h: drawing.height + PAD });
      }
      for (const box of drawing.boxes) boxes.push({ ...box, x: box.x + branchX, y: box.y + branchY });
      for (const edge of drawing.edges) edges.push({ ...edge, points: edge.points.map((p) => ({ x: p.x + branchX, y: p.y + branchY })) });
      left += drawing.width + 2 * PAD;
    });
  }
  const laidEdges: Edge[] = [];
  let i = 0;
  for (const edge of edges) {
    if (edge.points) {
      laidEdges.push({ ...edge, points: edge.points });
      continue;
    }
    const laid = g.edge({ v: edge.from, w: edge.to, name: `e${i++}` }) as { points: Point[] };
    laidEdges.push({ ...edge, points: laid.points });
  }
  const graph = g.graph() as { width?: number; height?: number };
  return { width: graph.width ?? 0, height: graph.height ?? 0, boxes, edges: laidEdges };
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  parent?.appendChild(node);
  return node;
}

/** A drawn state machine: its state elements by name and the zoom/pan controls. */
export interface RenderedGraph {
  readonly nodes: Map<string, SVGGElement>;
  zoom(factor: number): void;
  pan(dx: number, dy: number): void;
  fit(): void;
}

/**
 * Draws `drawing` into `svg` (replacing what was there). `onSelect` runs when a state is
 * clicked or chosen with Enter/Space.
 */
export function renderGraph(svg: SVGSVGElement, drawing: Drawing, onSelect: (state: string) => void): RenderedGraph {
  svg.replaceChildren();
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }, marker);
  const viewport = el('g', { class: 'viewport' }, svg);
  const nodes = new Map<string, SVGGElement>();

  // Containers first, so their children are drawn on top of them.
  const ordered = [...drawing.boxes].sort((a, b) => b.w * b.h - a.w * a.h);
  for (const box of ordered) {
    if (box.kind === 'branch') {
      el('rect', { class: 'branch', x: box.x, y: box.y, width: box.w, height: box.h, rx: 6 }, viewport);
      continue;
    }
    const container = box.type === 'Parallel' || box.type === 'Map';
    const group = el('g', { class: `node ${box.kind} type-${box.type.toLowerCase()}${container && box.h > NODE_H ? ' container' : ''}`, transform: `translate(${box.x},${box.y})` }, viewport);
    if (box.kind === 'state') {
      group.dataset.state = box.id;
      group.setAttribute('tabindex', '0');
      group.setAttribute('role', 'button');
      group.setAttribute('aria-label', `${box.id}, ${box.type} state${box.retry ? ', with Retry' : ''}`);
      group.addEventListener('click', () => onSelect(box.id));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect(box.id);
        }
      });
      nodes.set(box.id, group);
    }
    el('rect', { x: 0, y: 0, width: box.w, height: box.h, rx: box.kind === 'state' ? 6 : box.h / 2 }, group);
    const text = el('text', { x: box.w / 2, y: container && box.h > NODE_H ? 17 : box.h / 2 + 4, 'text-anchor': 'middle' }, group);
    text.textContent = box.label;
    if (box.kind === 'state' && box.type !== 'Task') {
      const kind = el('text', { class: 'kind', x: 6, y: 11 }, group);
      kind.textContent = box.type;
    }
    if (box.retry) {
      const badge = el('g', { class: 'retry-mark', transform: `translate(${box.w - 12},${12})` }, group);
      el('circle', { r: 8 }, badge);
      const mark = el('text', { 'text-anchor': 'middle', y: 4 }, badge);
      mark.textContent = '↻';
      el('title', {}, badge).textContent = `Retry: ${box.retry}`;
    }
    const attempts = el('text', { class: 'attempts', x: box.w - 24, y: box.h - 5, 'text-anchor': 'end' }, group);
    attempts.textContent = '';
  }
  for (const edge of drawing.edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    el('path', { class: `edge ${edge.kind}`, d, 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to }, viewport);
    if (edge.label) {
      const mid = edge.points[Math.floor(edge.points.length / 2)]!;
      const label = el('text', { class: `edge-label ${edge.kind}`, x: mid.x + 4, y: mid.y - 3 }, viewport);
      label.textContent = edge.label;
    }
  }

  let scale = 1;
  let tx = 0;
  let ty = 0;
  const apply = () => viewport.setAttribute('transform', `translate(${tx.toFixed(1)},${ty.toFixed(1)}) scale(${scale.toFixed(3)})`);
  const fit = () => {
    const { width, height } = svg.getBoundingClientRect();
    scale = Math.min(1.2, Math.max(0.2, Math.min((width - 20) / Math.max(drawing.width, 1), (height - 20) / Math.max(drawing.height, 1))));
    tx = (width - drawing.width * scale) / 2;
    ty = 10;
    apply();
  };
  const zoomAt = (factor: number, cx: number, cy: number) => {
    const next = Math.min(4, Math.max(0.15, scale * factor));
    tx = cx - ((cx - tx) * next) / scale;
    ty = cy - ((cy - ty) * next) / scale;
    scale = next;
    apply();
  };
  const center = () => {
    const { width, height } = svg.getBoundingClientRect();
    return [width / 2, height / 2] as const;
  };
  svg.onwheel = (event) => {
    event.preventDefault();
    const rect = svg.getBoundingClientRect();
    zoomAt(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
  };
  let drag: { x: number; y: number } | undefined;
  svg.onpointerdown = (event) => {
    if ((event.target as Element).closest('.node.state')) return;
    drag = { x: event.clientX - tx, y: event.clientY - ty };
    svg.setPointerCapture(event.pointerId);
  };
  svg.onpointermove = (event) => {
    if (!drag) return;
    tx = event.clientX - drag.x;
    ty = event.clientY - drag.y;
    apply();
  };
  svg.onpointerup = () => (drag = undefined);
  svg.onkeydown = (event) => {
    if (event.target !== svg) return;
    const step = 40;
    const actions: Record<string, () => void> = {
      '+': () => zoomAt(1.2, ...center()),
      '=': () => zoomAt(1.2, ...center()),
      '-': () => zoomAt(1 / 1.2, ...center()),
      '0': fit,
      ArrowLeft: () => ((tx += step), apply()),
      ArrowRight: () => ((tx -= step), apply()),
      ArrowUp: () => ((ty += step), apply()),
      ArrowDown: () => ((ty -= step), apply()),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  fit();
  return {
    nodes,
    zoom: (factor) => zoomAt(factor, ...center()),
    pan: (dx, dy) => {
      tx += dx;
      ty += dy;
      apply();
    },
    fit,
  };
}
