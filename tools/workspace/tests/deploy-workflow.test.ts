/**
 * The deploy pipeline (.github/workflows/deploy.yml + deploy-environment.yml): valid for GitHub's
 * own workflow parser, and holding the rules that make it safe — it deploys only affected
 * targets, never without OIDC credentials (no long-lived keys), one concurrency group per stack
 * and environment, staging before production. Each rule has a negative control: a mutated copy
 * of the workflow that breaks it must be caught.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const dir = fileURLToPath(new URL('../../../.github/workflows/', import.meta.url));
const DEPLOY = 'deploy.yml';
const ENVIRONMENT = 'deploy-environment.yml';
const read = (name: string) => readFileSync(`${dir}${name}`, 'utf8');

/** Errors GitHub's parser (@actions/workflow-parser) reports for a workflow file. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  uses?: string;
  needs?: string | string[];
  environment?: unknown;
  permissions?: Record<string, string>;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  steps?: Step[];
  with?: Record<string, unknown>;
};
type Workflow = { on?: unknown; permissions?: Record<string, string>; env?: Record<string, unknown>; jobs: Record<string, Job> };

/** A step that deploys: runs a deploy target or the CDK CLI's deploy. */
const DEPLOYS = /(-t|--target[s]?[ =])\s*deploy\b|:deploy\b|\bcdk\s+deploy\b|run-many/;

/** Every rule the deploy workflows must keep, as messages naming the job; empty when all hold. */
function deployViolations(files: Record<string, Workflow>): string[] {
  const problems: string[] = [];
  const deploy = files[DEPLOY]!;
  const on = deploy.on as { push?: { branches?: string[] } } & Record<string, unknown>;
  if (JSON.stringify(Object.keys(on ?? {})) !== '["push"]' || JSON.stringify(on.push?.branches) !== '["main"]') {
    problems.push('deploy.yml: must run on push to main only');
  }
  for (const [file, workflow] of Object.entries(files)) {
    if (/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/i.test(stringify(workflow))) {
      problems.push(`${file}: long-lived AWS keys appear (use OIDC role-to-assume only)`);
    }
    for (const [id, job] of Object.entries(workflow.jobs)) {
      const where = `${file} job ${id}`;
      const steps = job.steps ?? [];
      const deploying = steps.findIndex((s) => typeof s.run === 'string' && DEPLOYS.test(s.run));
      if (deploying === -1) continue;
      const command = steps[deploying]!.run!;
      if (!/nx affected -t deploy --base=(\$\{\{[^}]+\}\}|\S+) --head=(\$\{\{[^}]+\}\}|\S+)/.test(command) || /run-many|nx run |cdk deploy/.test(command)) {
        problems.push(`${where}: deploys with '${command}' instead of only the affected targets (nx affected -t deploy --base --head)`);
      }
      const oidc = steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      if (oidc === -1 || oidc > deploying) problems.push(`${where}: no aws-actions/configure-aws-credentials step before the deploy`);
      else {
        const role = steps[oidc]!.with?.['role-to-assume'];
        if (typeof role !== 'string' || !/^\$\{\{\s*secrets\.[A-Z_]+\s*\}\}$/.test(role)) problems.push(`${where}: role-to-assume must come from a secret`);
      }
      const permissions = job.permissions ?? workflow.permissions ?? {};
      if (permissions['id-token'] !== 'write') problems.push(`${where}: needs permissions id-token: write (OIDC)`);
      const group = job.concurrency?.group ?? '';
      if (!/inputs\.environment/.test(group) || !(/matrix\.project/.test(group) || /@order-flow\//.test(group)) || job.concurrency?.['cancel-in-progress'] !== false) {
        problems.push(`${where}: needs one concurrency group per environment and stack, never cancelled in progress`);
      }
      if (!job.environment) problems.push(`${where}: must run in a GitHub environment (its protection rules gate it)`);
      const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
      if (String(node?.with?.['node-version']) !== '24' || node?.with?.cache !== 'pnpm') problems.push(`${where}: setup-node must use Node 24 with the pnpm cache`);
      if (!steps.some((s) => s.uses?.startsWith('pnpm/action-setup@'))) problems.push(`${where}: pnpm/action-setup missing`);
    }
  }
  // The environments: staging first, production only after it.
  const callers = Object.entries(deploy.jobs).filter(([, j]) => j.uses === `./.github/workflows/${ENVIRONMENT}`);
  const envOf = (j: Job) => j.with?.environment;
  const staging = callers.find(([, j]) => envOf(j) === 'staging');
  const production = callers.find(([, j]) => envOf(j) === 'production');
  if (!staging || !production) problems.push('deploy.yml: must deploy to staging and to production');
  else if (![production[1].needs].flat().includes(staging[0])) problems.push('deploy.yml: production must need staging');
  for (const [id, job] of callers) if (job.permissions?.['id-token'] !== 'write') problems.push(`deploy.yml job ${id}: must grant id-token: write to the deploy jobs`);
  const plan = Object.values(deploy.jobs).flatMap((j) => j.steps ?? []).find((s) => /nx show projects --affected --withTarget deploy/.test(s.run ?? ''));
  if (!plan) problems.push('deploy.yml: the stacks to deploy must come from nx show projects --affected --withTarget deploy');
  return problems;
}

const files = (): Record<string, Workflow> => ({ [DEPLOY]: parse(read(DEPLOY)) as Workflow, [ENVIRONMENT]: parse(read(ENVIRONMENT)) as Workflow });

describe('deploy workflows', () => {
  it.each([DEPLOY, ENVIRONMENT])("%s is valid for GitHub's workflow parser", async (name) => {
    expect(await parserErrors(name, read(name))).toEqual([]);
  });

  it('the parser catches a broken workflow (negative control)', async () => {
    const broken = read(DEPLOY).replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest');
    expect((await parserErrors(DEPLOY, broken)).length).toBeGreaterThan(0);
  });

  it('deploys only affected targets, only with OIDC credentials, one concurrency group per stack, staging before production', () => {
    expect(deployViolations(files())).toEqual([]);
  });

  describe('each rule catches its violation (negative controls)', () => {
    const mutate = (change: (f: Record<string, Workflow>) => void) => {
      const copy = files();
      change(copy);
      return deployViolations(copy);
    };
    const envJobs = (f: Record<string, Workflow>) => Object.values(f[ENVIRONMENT]!.jobs);

    it('a deploy of every project instead of the affected ones', () => {
      const problems = mutate((f) => {
        for (const job of envJobs(f)) for (const s of job.steps ?? []) if (s.run?.includes('-t deploy')) s.run = 'pnpm exec nx run-many -t deploy';
      });
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/job step: deploys with 'pnpm exec nx run-many -t deploy' instead of only the affected targets/)]));
    });

    it('a deploy without the OIDC step, or with keys instead', () => {
      expect(mutate((f) => { for (const job of envJobs(f)) job.steps = job.steps!.filter((s) => !s.uses?.startsWith('aws-actions/')); })).toEqual(
        expect.arrayContaining([expect.stringMatching(/job workflow: no aws-actions\/configure-aws-credentials step before the deploy/)]),
      );
      expect(mutate((f) => {
        for (const job of envJobs(f)) for (const s of job.steps ?? []) if (s.uses?.startsWith('aws-actions/')) s.with = { 'aws-access-key-id': '${{ secrets.KEY }}', 'aws-secret-access-key': '${{ secrets.SECRET }}' };
      })).toEqual(expect.arrayContaining([expect.stringMatching(/long-lived AWS keys appear/), expect.stringMatching(/role-to-assume must come from a secret/)]));
    });

    it('a deploy without id-token: write', () => {
      expect(mutate((f) => { f[ENVIRONMENT]!.permissions = { contents: 'read' }; })).toEqual(
        expect.arrayContaining([expect.stringMatching(/job step: needs permissions id-token: write/)]),
      );
      expect(mutate((f) => { delete f[DEPLOY]!.jobs.production!.permissions; })).toEqual(['deploy.yml job production: must grant id-token: write to the deploy jobs']);
    });

    it('one concurrency group for every stack, production not gated on staging, other triggers', () => {
      expect(mutate((f) => { for (const job of envJobs(f)) if (job.concurrency) job.concurrency.group = 'deploy'; })).toEqual(
        expect.arrayContaining([expect.stringMatching(/job step: needs one concurrency group per environment and stack/)]),
      );
      expect(mutate((f) => { f[DEPLOY]!.jobs.production!.needs = ['plan']; })).toEqual(['deploy.yml: production must need staging']);
      expect(mutate((f) => { f[DEPLOY]!.on = { push: { branches: ['main'] }, pull_request: null }; })).toEqual(['deploy.yml: must run on push to main only']);
    });
  });
});
