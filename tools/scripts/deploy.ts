/**
 * Deploys ONE stack of the order-flow CDK app with the CDK toolkit library
 * (`@aws-cdk/toolkit-lib`), so each step package's Nx `deploy` target ships only its own stack
 * and `nx affected -t deploy` ships only what changed.
 *
 *   tsx tools/scripts/deploy.ts --stack OrderFlow-Payment [--dry-run] [--app <cloud assembly dir>]
 *
 * With AWS credentials (the SDK's default chain) it deploys the stack. Without any (or with
 * --dry-run / DEPLOY_DRY_RUN=1) it synthesizes and asks CloudFormation what it holds
 * (`DescribeStacks`, `GetTemplate`), prints the difference with `@aws-cdk/cloudformation-diff`,
 * and exits 0; when no credentials can be found it says the change is unknown rather than guess.
 * Any other AWS error exits 1 with the error named.
 */
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fullDiff, formatDifferences } from '@aws-cdk/cloudformation-diff';
import {
  NonInteractiveIoHost,
  StackSelectionStrategy,
  Toolkit,
  type CachedCloudAssembly,
  type ICloudAssemblySource,
  type StackSelector,
} from '@aws-cdk/toolkit-lib';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';

/** A CloudFormation template, as far as the dry run reads it. */
export type Template = { Resources?: Record<string, unknown>; [section: string]: unknown };

/** What CloudFormation holds for a stack, as the dry run found out. */
export type DeployedStack =
  /** The SDK's default credential chain found no credentials: CloudFormation was not asked. */
  | { readonly kind: 'no-credentials'; readonly reason: string }
  /** CloudFormation has no such stack (DescribeStacks answered "Stack with id X does not exist"). */
  | { readonly kind: 'missing' }
  /** The stack exists: its status and the template it was last deployed with. */
  | { readonly kind: 'deployed'; readonly status: string; readonly template: Template };

/** The app directory whose cdk.json names the CDK app command. */
export const APP_DIR = fileURLToPath(new URL('../../apps/order-workflow/', import.meta.url));

/** Selects exactly the named stack (no dependencies): the toolkit throws if it matches none or several. */
export const selectStack = (stack: string): StackSelector => ({
  strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE,
  patterns: [stack],
});

/**
 * The toolkit, quiet unless `verbose`: a dry run prints only its report, a deploy also prints
 * the toolkit's progress (stack events).
 */
export const createToolkit = (verbose = false): Toolkit =>
  new Toolkit({ ioHost: new NonInteractiveIoHost({ logLevel: verbose ? 'info' : 'error' }), color: false, emojis: false });

/**
 * The cloud assembly source for the app: a directory already synthesized (`--app`), or the app
 * command from apps/order-workflow/cdk.json run in that directory, as `cdk synth` would.
 * @param options.outdir - where to synthesize and keep the assembly (defaults to a temporary
 *   directory, deleted when the assembly is disposed of)
 */
export async function assemblySource(toolkit: Toolkit, options: { assemblyDir?: string; outdir?: string } = {}): Promise<ICloudAssemblySource> {
  if (options.assemblyDir) return toolkit.fromAssemblyDirectory(options.assemblyDir);
  const { app } = JSON.parse(readFileSync(`${APP_DIR}cdk.json`, 'utf8')) as { app: string };
  // Never the app's own cdk.out (the toolkit's default): disposing of it would delete what
  // `cdk synth` and the local runtime left there.
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'order-flow-deploy-'));
  // The app command names `tsx` (a root devDependency), found whether or not the caller runs
  // through a package script that puts node_modules/.bin on the PATH.
  const bin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
  const env = { PATH: [bin, process.env.PATH].filter(Boolean).join(delimiter) };
  return toolkit.fromCdkApp(app, { workingDirectory: APP_DIR, outdir, disposeOutdir: options.outdir === undefined, env });
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Asks CloudFormation what it holds for `stackName`, through the SDK's default credential chain
 * and endpoint resolution (so `AWS_ENDPOINT_URL_CLOUDFORMATION` / `AWS_ENDPOINT_URL` apply).
 *
 * `GetTemplate` is asked for the `Original` stage: the template as the toolkit submitted it, in
 * the same language as the synthesized one, so like is compared with like. `Processed` would
 * have macros and transforms expanded and report them as changes (the CDK toolkit's own diff
 * reads `Original` too).
 *
 * @param region - the stack's own region when the app pins one
 * @throws any AWS error other than "no credentials" and "stack does not exist"
 */
export async function readDeployedStack(stackName: string, region?: string): Promise<DeployedStack> {
  let client = new CloudFormationClient(region ? { region } : {});
  try {
    // Resolve credentials before any request, so "none" is told apart from a failing request.
    await client.config.credentials();
  } catch (error) {
    if (errorName(error) === 'CredentialsProviderError') return { kind: 'no-credentials', reason: errorMessage(error) };
    throw error;
  }
  try {
    await client.config.region();
  } catch {
    // No region configured: the CDK toolkit deploys environment-agnostic stacks to us-east-1
    // then (its SdkProvider's default region), so that is where the dry run looks too.
    client = new CloudFormationClient({ region: 'us-east-1' });
  }
  let status: string;
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    status = Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
  } catch (error) {
    // DescribeStacks' documented answer for an unknown stack name: a ValidationError.
    if (errorName(error) === 'ValidationError' && /^Stack with id .+ does not exist$/.test(errorMessage(error))) return { kind: 'missing' };
    throw error;
  }
  // A stack created by a change set never executed holds no template yet (the toolkit treats it
  // as new too).
  if (status === 'REVIEW_IN_PROGRESS') return { kind: 'missing' };
  const { TemplateBody } = await client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  // The toolkit submits JSON; a YAML template deployed by other means is not ours to diff.
  return { kind: 'deployed', status, template: JSON.parse(TemplateBody ?? '{}') as Template };
}

/** Renders `@aws-cdk/cloudformation-diff`'s report of deployed -> next to a string. */
export function formatTemplateDiff(deployed: Template, next: Template): { empty: boolean; text: string } {
  const diff = fullDiff(deployed, next);
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  formatDifferences(sink, diff);
  return { empty: diff.isEmpty, text: text.trimEnd() };
}

const resourceCount = (template: Template): number => Object.keys(template.Resources ?? {}).length;

/** The dry-run report for one stack: what CloudFormation would change, or that it cannot be known. */
export function describeDryRun(stack: string, next: Template, deployed: DeployedStack): string {
  switch (deployed.kind) {
    case 'no-credentials':
      return `[dry run] ${stack}: unknown, no credentials (CloudFormation was not asked; the synthesized template has ${resourceCount(next)} resources)`;
    case 'missing':
      return `[dry run] ${stack}: would be created (CloudFormation has no such stack; ${resourceCount(next)} resources)`;
    case 'deployed': {
      const { empty, text } = formatTemplateDiff(deployed.template, next);
      if (empty) return `[dry run] ${stack} (${deployed.status}): no changes`;
      return `[dry run] ${stack} (${deployed.status}): would change\n${text}`;
    }
  }
}

/** Whether the SDK's default credential chain finds credentials (env, profile, SSO, web identity, container, IMDS). */
export async function hasCredentials(): Promise<boolean> {
  try {
    await new CloudFormationClient({}).config.credentials();
    return true;
  } catch (error) {
    if (errorName(error) === 'CredentialsProviderError') return false;
    throw error;
  }
}

/** Bad command-line input: main() prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What to deploy, and how. */
export interface DeployOptions {
  /** The stack's name; the toolkit must match exactly this one stack in the app. */
  readonly stack: string;
  /** Only report what would change, even with credentials. */
  readonly dryRun?: boolean;
  /** A cloud assembly directory already synthesized, instead of running the app. */
  readonly assemblyDir?: string;
}

/**
 * Synthesizes the app (or loads `assemblyDir`), then deploys exactly `stack`, or, dry or without
 * credentials, reports what CloudFormation would change.
 * @returns the report to print
 * @throws the toolkit's or AWS's error (a dry run tolerates only "no credentials" and "no such stack")
 */
export async function deploy({ stack, dryRun: dryRunAsked = false, assemblyDir }: DeployOptions): Promise<string> {
  const dryRun = dryRunAsked || !(await hasCredentials());
  const toolkit = createToolkit(!dryRun);
  const assembly: CachedCloudAssembly = await toolkit.synth(await assemblySource(toolkit, { assemblyDir }));
  try {
    // Checked here: the toolkit's own answer to a pattern matching nothing reads "Stack selection
    // is ambiguous", which names neither the option nor the stacks there are.
    const stacks = assembly.cloudAssembly.stacksRecursively;
    const artifact = stacks.find((s) => s.hierarchicalId === stack);
    if (!artifact) throw new UsageError(`--stack: the app has no stack ${stack} (it has ${stacks.map((s) => s.hierarchicalId).join(', ')})`);
    if (!dryRun) {
      await toolkit.deploy(assembly, { stacks: selectStack(stack) });
      return `${stack}: deployed`;
    }
    const region = artifact.environment.region === 'unknown-region' ? undefined : artifact.environment.region;
    // The template file itself, as a deploy would submit it: toolkit.synth() rewrites the
    // artifact's cached `template` object for display (drops the CheckBootstrapVersion rule).
    const next = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8')) as Template;
    return describeDryRun(stack, next, await readDeployedStack(stack, region));
  } finally {
    await assembly.dispose();
  }
}

async function main(): Promise<void> {
  const usage = 'usage: deploy.ts --stack <StackName> [--dry-run] [--app <cloud assembly dir>]';
  let values: { stack?: string; 'dry-run'?: boolean; app?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: 'string' }, 'dry-run': { type: 'boolean' }, app: { type: 'string' } } }));
  } catch (error) {
    console.error(`${errorMessage(error)}\n${usage}`);
    process.exit(2);
  }
  if (!values.stack) {
    console.error(`--stack is required\n${usage}`);
    process.exit(2);
  }
  try {
    console.log(await deploy({ stack: values.stack, dryRun: values['dry-run'] === true || process.env.DEPLOY_DRY_RUN === '1', assemblyDir: values.app }));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      process.exitCode = 2;
      return;
    }
    console.error(`${values.stack}: ${errorName(error)}: ${errorMessage(error)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) await main();
