/** Lambda as Lambda runs it: execution environments, concurrency, handler loading, versions and aliases. */
export { FunctionError, LambdaAssetMissingError, LocalFunction, locateFunctionCode, logStreamName } from './function.js';
export type {
  AliasConfig,
  DurationSummary,
  FunctionCode,
  FunctionLogs,
  FunctionStats,
  InvocationOutcome,
  InvocationRecord,
  InvocationReport,
  LambdaErrorPayload,
  LocalFunctionConfig,
  VersionChange,
} from './function.js';
export { LambdaHost } from './host.js';
export type { LambdaHostOptions } from './host.js';
export { planVersionsAndAliases } from './versions.js';
