/**
 * The reliability report: one line per scenario (`scenario | orders | outcome counts |
 * invariants passed | duration`) per workflow type, then one row per scenario with a column per
 * type (Standard, Express), printed after vitest's own output by `pnpm test:reliability`.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { formatLine } from './support/report.js';

/** The column of a vitest project (`reliability-standard` -> Standard; the app's own project counts as Standard). */
function columnOf(projectName: string): string {
  return projectName.endsWith('express') ? 'Express' : 'Standard';
}

export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines = new Map<string, string[]>();
    const grid = new Map<string, Map<string, string>>();
    for (const module of testModules) {
      const column = columnOf(module.project.name);
      for (const test of module.children.allTests()) {
        const meta = test.meta().reliability;
        const state = test.result().state;
        const mark = state === 'passed' ? '✓' : state === 'failed' ? '✗' : '-';
        const scenario = meta?.scenario ?? test.fullName;
        if (meta) lines.set(column, [...(lines.get(column) ?? []), formatLine(meta, state === 'passed' ? 'pass' : 'fail')]);
        else if (state === 'failed') lines.set(column, [...(lines.get(column) ?? []), `✗ ${test.fullName} | failed before reporting its numbers`]);
        else continue;
        grid.set(scenario, (grid.get(scenario) ?? new Map<string, string>()).set(column, mark));
      }
    }
    const columns = ['Standard', 'Express'].filter((column) => lines.has(column));
    let out = '';
    for (const column of columns) out += `\nReliability report, ${column} workflow (${lines.get(column)!.length} scenarios)\n${lines.get(column)!.join('\n')}\n`;
    if (columns.length > 1) {
      out += `\n| scenario | ${columns.join(' | ')} |\n|---|${columns.map(() => ':-:').join('|')}|\n`;
      for (const [scenario, marks] of grid) out += `| ${scenario} | ${columns.map((column) => marks.get(column) ?? '-').join(' | ')} |\n`;
    }
    process.stdout.write(out);
  }
}
