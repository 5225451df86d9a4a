/**
 * Deploys ONE stack of the order-flow CDK app with the CDK CLI, so each step package's Nx
 * `deploy` target ships only its own stack and `nx affected -t deploy` ships only what changed.
 *
 *   tsx tools/scripts/deploy.ts --stack OrderFlow-Payment [--dry-run]
 *
 * Without AWS credentials in the environment (or with --dry-run / DEPLOY_DRY_RUN=1) it
 * synthesizes, prints whether the stack would be deployed and how its template differs from the
 * last deployed one (kept in apps/order-workflow/cdk.out/deployed/, or $DEPLOYED_TEMPLATES_DIR),
 * and exits 0. After a real deploy it records the deployed template there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

type Template = { Resources?: Record<string, { Type: string; Properties?: unknown }>; Outputs?: Record<string, unknown> };

/** How a stack's template differs from the last deployed one, by logical id. */
export interface TemplateDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly outputsChanged: boolean;
}

/** Compares two templates resource by resource (and their outputs). */
export function diffTemplates(deployed: Template | undefined, next: Template): TemplateDiff {
  const before = deployed?.Resources ?? {};
  const after = next.Resources ?? {};
  const label = (id: string, r: { Type: string }) => `${id} (${r.Type})`;
  return {
    added: Object.entries(after).filter(([id]) => !(id in before)).map(([id, r]) => label(id, r)),
    removed: Object.entries(before).filter(([id]) => !(id in after)).map(([id, r]) => label(id, r)),
    changed: Object.entries(after)
      .filter(([id, r]) => id in before && JSON.stringify(before[id]) !== JSON.stringify(r))
      .map(([id, r]) => label(id, r)),
    outputsChanged: JSON.stringify(deployed?.Outputs ?? {}) !== JSON.stringify(next.Outputs ?? {}),
  };
}

/** True when the diff means CloudFormation has something to do. */
export const hasChanges = (diff: TemplateDiff): boolean =>
  diff.added.length + diff.removed.length + diff.changed.length > 0 || diff.outputsChanged;

/** Whether the standard AWS SDK/CLI credential sources are configured in this environment. */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
  );
}

/** Renders the dry-run report for one stack. */
export function describePlan(stack: string, deployed: Template | undefined, diff: TemplateDiff): string {
  if (!deployed) return `${stack}: would deploy (no deployed template recorded: the stack would be created with ${diff.added.length} resources)`;
  if (!hasChanges(diff)) return `${stack}: no changes (template identical to the last deployed one): nothing to deploy`;
  const lines = [
    `${stack}: would deploy`,
    ...diff.added.map((r) => `  + ${r}`),
    ...diff.removed.map((r) => `  - ${r}`),
    ...diff.changed.map((r) => `  ~ ${r}`),
    ...(diff.outputsChanged ? ['  ~ Outputs'] : []),
  ];
  return lines.join('\n');
}

function main(): void {
  const usage = 'usage: deploy.ts --stack <StackName> [--dry-run]';
  let values: { stack?: string; 'dry-run'?: boolean };
  try {
    ({ values } = parseArgs({ options: { stack: { type: 'string' }, 'dry-run': { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const stack = values.stack;
  if (!stack) {
    console.error(`--stack is required\n${usage}`);
    process.exit(2);
  }
  const appDir = fileURLToPath(new URL('../../apps/order-workflow/', import.meta.url));
  const deployedDir = process.env.DEPLOYED_TEMPLATES_DIR ?? join(appDir, 'cdk.out', 'deployed');
  // The app's own CDK CLI (aws-cdk, a devDependency of apps/order-workflow).
  const cdk = join(appDir, 'node_modules', '.bin', 'cdk');
  const dryRun = values['dry-run'] === true || process.env.DEPLOY_DRY_RUN === '1' || !hasAwsCredentials();
  const assembly = mkdtempSync(join(tmpdir(), `deploy-${stack}-`));
  try {
    // The CDK CLI synthesizes through cdk.json's app command, exactly as for a real deploy.
    const synth = spawnSync(cdk, ['synth', '--quiet', '--output', assembly], { cwd: appDir, encoding: 'utf8' });
    if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stderr}`);
    const templatePath = join(assembly, `${stack}.template.json`);
    if (!existsSync(templatePath)) throw new Error(`The app has no stack named ${stack}`);
    const next = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
    const recorded = join(deployedDir, `${stack}.template.json`);
    const deployed = existsSync(recorded) ? (JSON.parse(readFileSync(recorded, 'utf8')) as Template) : undefined;
    const diff = diffTemplates(deployed, next);
    if (dryRun) {
      console.log(`[dry run${hasAwsCredentials() ? '' : ': no AWS credentials'}] ${describePlan(stack, deployed, diff)}`);
      return;
    }
    if (deployed && !hasChanges(diff)) {
      console.log(describePlan(stack, deployed, diff));
      return;
    }
    execFileSync(cdk, ['deploy', stack, '--app', assembly, '--exclusively', '--require-approval', 'never'], { cwd: appDir, stdio: 'inherit' });
    mkdirSync(deployedDir, { recursive: true });
    writeFileSync(recorded, JSON.stringify(next, null, 1));
    console.log(`${stack}: deployed; template recorded in ${recorded}`);
  } finally {
    rmSync(assembly, { recursive: true, force: true });
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) main();
