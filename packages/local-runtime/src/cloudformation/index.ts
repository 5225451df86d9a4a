/**
 * CloudFormation as the local runtime reads it: the cloud assembly on disk, intrinsic functions,
 * physical names and ARNs, tables from templates, and what is not emulated.
 */
export { AssemblyNotFoundError, readCloudAssembly } from './assembly.js';
export type { AssemblyStack, CfnTemplate, CloudAssembly, FileAsset, TemplateResource } from './assembly.js';
export { NO_VALUE, UnresolvableError, resolveIntrinsics, evaluateCondition } from './intrinsics.js';
export type { IntrinsicScope } from './intrinsics.js';
export { AssemblyResolver, DEFAULT_ENVIRONMENT } from './resolver.js';
export type { Environment, ResourceRef } from './resolver.js';
export { StableNamesResolver } from './stable-names.js';
export { activeResources, findResource } from './resources.js';
export type { LocalResourceInfo, LocalStackInfo, NamedResourceInfo } from './resources.js';
export { TABLE_TYPES, toCreateTableInput } from './tables.js';
export { ACCEPTED_RESOURCE_TYPES, EMULATED_RESOURCE_TYPES, unsupportedInAssembly, unsupportedLogLines } from './unsupported.js';
export type { UnsupportedItem } from './unsupported.js';
export { LocalParameterStore, ParameterNotFoundError } from '../ssm/parameter-store.js';
export type { LocalParameter, ParameterPublisher } from '../ssm/parameter-store.js';
