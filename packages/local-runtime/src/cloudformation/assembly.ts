import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Thrown when a directory is not a synthesized cloud assembly (no `manifest.json`). */
export class AssemblyNotFoundError extends Error {
  override readonly name = 'AssemblyNotFoundError';
}

/** One resource of a stack template. */
export interface TemplateResource {
  readonly logicalId: string;
  /** CloudFormation type, e.g. `AWS::DynamoDB::GlobalTable`. */
  readonly type: string;
  /** Raw (unresolved) properties. */
  readonly properties: Record<string, unknown>;
  /** Construct path without the leading slash, e.g. `MyStack/Orders/Table/Resource`. */
  readonly path?: string;
  /** Name of a template Condition that guards the resource. */
  readonly condition?: string;
}

/** One file asset of a stack's `<Stack>.assets.json`. */
export interface FileAsset {
  /** The asset hash (also the S3 object key without extension). */
  readonly id: string;
  /** Absolute path of the asset file or directory on disk. */
  readonly path: string;
  /** `zip` (a directory zipped on publish) or `file`. */
  readonly packaging: string;
}

/** A stack of the assembly, as read from disk (nothing resolved yet). */
export interface AssemblyStack {
  /** Artifact id in `manifest.json`. */
  readonly artifactId: string;
  /** CloudFormation stack name (the artifact's `stackName` property, else its id). */
  readonly stackName: string;
  readonly template: CfnTemplate;
  readonly resources: ReadonlyMap<string, TemplateResource>;
  /** File assets by hash. */
  readonly assets: ReadonlyMap<string, FileAsset>;
  /** Directory of the (possibly nested) assembly the stack belongs to. */
  readonly assemblyDir: string;
  /** Artifact ids this stack depends on (`manifest.json`; asset manifests included). @default - none */
  readonly dependencies?: readonly string[];
}

/** The subset of a CloudFormation template the local runtime reads. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown>; Condition?: string; UpdatePolicy?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string; Description?: string }>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** A synthesized cloud assembly (`cdk.out`): its stacks in manifest order. */
export interface CloudAssembly {
  readonly directory: string;
  readonly stacks: readonly AssemblyStack[];
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; file?: string; directoryName?: string };
  metadata?: Record<string, { type: string; data?: unknown }[]>;
  additionalMetadataFile?: string;
  dependencies?: string[];
}

/**
 * Reads `<dir>/manifest.json`, every `aws:cloudformation:stack` artifact's template, its asset
 * manifest and construct-path metadata. Nested assemblies (CDK Stages) are read too.
 *
 * @throws AssemblyNotFoundError when the directory holds no `manifest.json`
 */
export function readCloudAssembly(directory: string): CloudAssembly {
  const dir = resolve(directory);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new AssemblyNotFoundError(
      `No cloud assembly at ${dir} (manifest.json is missing). Run \`cdk synth\` (or app.synth()) first, ` +
        `then point assemblyDir at its output directory (usually cdk.out).`,
    );
  }
  return { directory: dir, stacks: readStacks(dir) };
}

function readStacks(dir: string): AssemblyStack[] {
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(join(dir, 'manifest.json'));
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readStacks(join(dir, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile;
    if (!templateFile) throw new Error(`Stack artifact ${artifactId} in ${dir}/manifest.json has no templateFile`);
    const template = readJson<CfnTemplate>(join(dir, templateFile));
    const paths = logicalIdPaths(dir, artifact);
    const resources = new Map<string, TemplateResource>();
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const path = typeof resource.Metadata?.['aws:cdk:path'] === 'string' ? resource.Metadata['aws:cdk:path'] : paths.get(logicalId);
      resources.set(logicalId, {
        logicalId,
        type: resource.Type,
        properties: resource.Properties ?? {},
        ...(path !== undefined && { path }),
        ...(resource.Condition !== undefined && { condition: resource.Condition }),
      });
    }
    stacks.push({
      artifactId,
      stackName: artifact.properties?.stackName ?? artifactId,
      template,
      resources,
      assets: readAssets(dir, artifactId, artifact, artifacts),
      assemblyDir: dir,
      dependencies: artifact.dependencies ?? [],
    });
  }
  return stacks;
}

/**
 * Maps logical id -> construct path from the artifact's metadata. Templates carry
 * `aws:cdk:path` only when the CDK CLI asks for it; `app.synth()` alone writes the paths to the
 * metadata file instead.
 */
function logicalIdPaths(dir: string, artifact: ManifestArtifact): Map<string, string> {
  const entries: Record<string, { type: string; data?: unknown }[]> = { ...artifact.metadata };
  if (artifact.additionalMetadataFile && existsSync(join(dir, artifact.additionalMetadataFile))) {
    Object.assign(entries, readJson(join(dir, artifact.additionalMetadataFile)));
  }
  const paths = new Map<string, string>();
  for (const [path, list] of Object.entries(entries)) {
    for (const entry of list) {
      if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths.set(entry.data, path.replace(/^\//, ''));
    }
  }
  return paths;
}

function readAssets(
  dir: string,
  artifactId: string,
  artifact: ManifestArtifact,
  artifacts: Record<string, ManifestArtifact>,
): Map<string, FileAsset> {
  const files = new Set<string>();
  for (const dependency of artifact.dependencies ?? []) {
    const dep = artifacts[dependency];
    if (dep?.type === 'cdk:asset-manifest' && dep.properties?.file) files.add(dep.properties.file);
  }
  if (files.size === 0) files.add(`${artifactId}.assets.json`);
  const assets = new Map<string, FileAsset>();
  for (const file of files) {
    if (!existsSync(join(dir, file))) continue;
    const manifest = readJson<{ files?: Record<string, { source?: { path?: string; packaging?: string } }> }>(join(dir, file));
    for (const [id, asset] of Object.entries(manifest.files ?? {})) {
      const path = asset.source?.path;
      if (!path) continue; // executable-sourced assets have no path on disk
      assets.set(id, { id, path: isAbsolute(path) ? path : join(dir, path), packaging: asset.source?.packaging ?? 'file' });
    }
  }
  return assets;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`Could not read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
