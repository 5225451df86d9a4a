/**
 * The reliability report: one line per scenario (`scenario | orders | outcome counts |
 * invariants passed | duration`), printed after vitest's own output by `pnpm test:reliability`.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { formatLine } from './support/report.js';

export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const meta = test.meta().reliability;
        const state = test.result().state;
        if (meta) lines.push(formatLine(meta, state === 'passed' ? 'pass' : 'fail'));
        else if (state === 'failed') lines.push(`✗ ${test.fullName} | failed before reporting its numbers`);
      }
    }
    process.stdout.write(`\nReliability report (${lines.length} scenarios)\n${lines.join('\n')}\n`);
  }
}
