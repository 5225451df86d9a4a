/**
 * Deploy selection and the deploy dry run (tools/scripts/deploy.ts). The app is synthesized
 * once, through the same toolkit source `deploy.ts` uses (cdk.json's app command), and every
 * case loads that assembly. CloudFormation's answers come from a local stand-in
 * (support/cloudformation-stand-in.ts: no local engine answers CloudFormation) reached by the
 * real @aws-sdk/client-cloudformation through `AWS_ENDPOINT_URL_CLOUDFORMATION`, with dummy
 * credentials; never AWS.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { assemblySource, createToolkit, deploy, formatTemplateDiff } from '../../scripts/deploy.ts';
import { startCloudFormationStandIn, type CloudFormationStandIn } from './support/cloudformation-stand-in.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STACKS = ['OrderFlow-Inventory', 'OrderFlow-OrderStatus', 'OrderFlow-Payment', 'OrderWorkflow'];

// The file's one synthesis (~15 s on a busy 2-core machine), through cdk.json's app command as
// deploy.ts runs it, starts now: the app runs in a child process while the Nx queries below run.
const assemblyDir = mkdtempSync(join(tmpdir(), 'deploy-test-assembly-'));
const synthesized = (async () => {
  const toolkit = createToolkit();
  await (await toolkit.synth(await assemblySource(toolkit, { outdir: assemblyDir }))).dispose();
})();
synthesized.catch(() => undefined); // awaited (and reported) in the dry-run suite's beforeAll

describe('nx affected -t deploy', () => {
  const deployers = async (file: string) =>
    (JSON.parse(
      (
        await promisify(execFile)('pnpm', ['exec', 'nx', 'show', 'projects', '--affected', `--files=${file}`, '--withTarget', 'deploy', '--json'], {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, NX_DAEMON: 'false' },
        })
      ).stdout,
    ) as string[]).sort();

  it('a payment-only change deploys the payment stack and the workflow stack, nothing else', async () => {
    expect(await deployers('packages/payment/src/handler.ts')).toEqual(['@order-flow/order-workflow', '@order-flow/payment']);
  });
  it('a contracts change deploys every stack', async () => {
    expect(await deployers('packages/contracts/src/order.ts')).toEqual([
      '@order-flow/inventory',
      '@order-flow/order-status',
      '@order-flow/order-workflow',
      '@order-flow/payment',
    ]);
  });
});

describe('deploy dry run against CloudFormation (local stand-in for DescribeStacks/GetTemplate)', () => {
  let standIn: CloudFormationStandIn;
  const template = (stack: string) => JSON.parse(readFileSync(join(assemblyDir, `${stack}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

  // Nothing from this machine's AWS setup leaks in: no profile files, no instance metadata.
  const isolated = {
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: undefined,
  };
  const withoutCredentials = { ...isolated, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };
  const withDummyCredentials = () => ({ ...isolated, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_CLOUDFORMATION: standIn.url });
  const stubEnv = (env: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  };

  /** Runs packages/payment's `deploy` script (as `nx affected -t deploy` does) on the shared assembly. */
  const runDeployScript = (env: Record<string, string | undefined>) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', ...env };
    const child = spawn('pnpm', ['run', '--silent', 'deploy', '--app', assemblyDir], { cwd: join(root, 'packages/payment'), env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  };
  const accessDenied = {
    httpStatus: 403,
    code: 'AccessDenied',
    message:
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DescribeStacks on resource: arn:aws:cloudformation:us-east-1:123456789012:stack/OrderFlow-Payment/* because no identity-based policy allows the cloudformation:DescribeStacks action',
  };
  let deniedStandIn: CloudFormationStandIn;
  type ScriptRun = Awaited<ReturnType<typeof runDeployScript>>;
  let scriptRuns: Promise<[ScriptRun, ScriptRun]>;

  beforeAll(async () => {
    standIn = await startCloudFormationStandIn();
    deniedStandIn = await startCloudFormationStandIn();
    deniedStandIn.failWith = accessDenied;
    // cloudformation-diff loads its resource specification on first use (~1.5 s): while the
    // app synthesizes, not inside a test.
    formatTemplateDiff({}, { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });
    await synthesized;
    // The two script runs (a few seconds each, mostly loading the toolkit) go on while the
    // in-process cases run; their own stand-in keeps their requests apart.
    scriptRuns = Promise.all([
      runDeployScript({ ...withoutCredentials, AWS_ENDPOINT_URL_CLOUDFORMATION: deniedStandIn.url }),
      runDeployScript({ ...isolated, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_CLOUDFORMATION: deniedStandIn.url, DEPLOY_DRY_RUN: '1' }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await deniedStandIn.close();
    await standIn.close();
    rmSync(assemblyDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    standIn.stacks.clear();
    standIn.requests.length = 0;
    standIn.failWith = undefined;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('without credentials, every stack is "unknown, no credentials", and CloudFormation is not asked', async () => {
    // The SDK's default chain (env, shared files, SSO, web identity, container, IMDS: "Set
    // credentials in Node.js", AWS SDK for JavaScript v3 Developer Guide) finds nothing here.
    stubEnv({ ...withoutCredentials, AWS_ENDPOINT_URL_CLOUDFORMATION: standIn.url });
    for (const stack of STACKS) {
      const count = Object.keys(template(stack).Resources).length;
      await expect(deploy({ stack, assemblyDir })).resolves.toBe(
        `[dry run] ${stack}: unknown, no credentials (CloudFormation was not asked; the synthesized template has ${count} resources)`,
      );
    }
    expect(standIn.requests).toEqual([]);
  });

  it('the template CloudFormation holds (GetTemplate, Original stage) equals the synthesized one: "no changes"', async () => {
    // API_GetTemplate: "CloudFormation returns the same template that was used when the stack was
    // created"; `Original` is the user-submitted stage. The endpoint comes from
    // AWS_ENDPOINT_URL_CLOUDFORMATION ("Service-specific endpoints", AWS SDKs and Tools Reference Guide).
    stubEnv(withDummyCredentials());
    standIn.stacks.set('OrderFlow-Payment', { template: template('OrderFlow-Payment') });
    await expect(deploy({ stack: 'OrderFlow-Payment', assemblyDir, dryRun: true })).resolves.toBe('[dry run] OrderFlow-Payment (UPDATE_COMPLETE): no changes');
    // The real SDK reached the stand-in, signed with the dummy credentials.
    expect(standIn.requests.map((r) => [r.action, r.params.StackName, r.params.TemplateStage])).toEqual([
      ['DescribeStacks', 'OrderFlow-Payment', undefined],
      ['GetTemplate', 'OrderFlow-Payment', 'Original'],
    ]);
    expect(standIn.requests.every((r) => r.authorization?.includes('Credential=test/'))).toBe(true);
  });

  it('a deployed template with one resource changed and one missing: the cloudformation-diff report names both', async () => {
    stubEnv(withDummyCredentials());
    const deployed = template('OrderFlow-Payment');
    const [changedId, changed] = Object.entries(deployed.Resources).find(([, r]) => r.Type === 'AWS::Logs::LogGroup')!;
    changed.Properties = { ...changed.Properties, RetentionInDays: 1 };
    const [removedId, removed] = Object.entries(deployed.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Alias')!;
    delete deployed.Resources[removedId];
    standIn.stacks.set('OrderFlow-Payment', { template: deployed });

    const report = await deploy({ stack: 'OrderFlow-Payment', assemblyDir, dryRun: true });
    expect(report.split('\n')[0]).toBe('[dry run] OrderFlow-Payment (UPDATE_COMPLETE): would change');
    expect(report).toContain(`[~] AWS::Logs::LogGroup ${changedId}`);
    expect(report).toContain('RetentionInDays');
    expect(report).toContain(`[+] ${removed.Type} ${removedId}`);
    // Only those two: every other resource is identical.
    expect(report.match(/^\[[-+~]\] /gm)).toHaveLength(2);
  });

  it('a stack CloudFormation does not have (ValidationError "Stack with id X does not exist"): "would be created"', async () => {
    // API_DescribeStacks / CommonErrors: an unknown stack name is a 400 ValidationError.
    stubEnv(withDummyCredentials());
    const count = Object.keys(template('OrderFlow-Inventory').Resources).length;
    await expect(deploy({ stack: 'OrderFlow-Inventory', assemblyDir, dryRun: true })).resolves.toBe(
      `[dry run] OrderFlow-Inventory: would be created (CloudFormation has no such stack; ${count} resources)`,
    );
    expect(standIn.requests.map((r) => r.action)).toEqual(['DescribeStacks']);
  });

  it('a stack the app does not have is a usage error naming --stack and the stacks there are', async () => {
    stubEnv(withDummyCredentials());
    await expect(deploy({ stack: 'OrderFlow-Paymnet', assemblyDir, dryRun: true })).rejects.toMatchObject({
      name: 'UsageError',
      message: `--stack: the app has no stack OrderFlow-Paymnet (it has OrderFlow-Inventory, OrderFlow-Payment, OrderFlow-OrderStatus, OrderWorkflow)`,
    });
    expect(standIn.requests).toEqual([]);
  });

  it('negative control: any other AWS error (AccessDenied, HTTP 403) fails the dry run, named', async () => {
    stubEnv(withDummyCredentials());
    standIn.failWith = accessDenied;
    await expect(deploy({ stack: 'OrderFlow-Payment', assemblyDir, dryRun: true })).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(standIn.requests.map((r) => r.action)).toEqual(['DescribeStacks']);
  });

  it("through the package's deploy script: no credentials exits 0; AccessDenied exits 1 naming the error", async () => {
    const [fresh, denied] = await scriptRuns;
    expect(fresh).toEqual({ code: 0, stdout: expect.stringMatching(/^\[dry run\] OrderFlow-Payment: unknown, no credentials \(.*\)\n$/) as unknown, stderr: '' });
    expect({ code: denied.code, stdout: denied.stdout }).toEqual({ code: 1, stdout: '' });
    expect(denied.stderr).toContain('OrderFlow-Payment: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized');
    expect(deniedStandIn.requests.map((r) => r.action)).toEqual(['DescribeStacks']);
  });
});
