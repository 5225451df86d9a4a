import type { ConformanceCase } from '../case.ts';
import { catchCases } from './catch.ts';
import { choice } from './choice.ts';
import { definitionsRefused } from './definitions-refused.ts';
import { errors } from './errors.ts';
import { historyShapes } from './history-shapes.ts';
import { intrinsics } from './intrinsics.ts';
import { jsonata } from './jsonata.ts';
import { lambdaIntegration } from './lambda-integration.ts';
import { map } from './map.ts';
import { nestedExecutions } from './nested-executions.ts';
import { parallel } from './parallel.ts';
import { parametersContext } from './parameters-context.ts';
import { passSucceedFail } from './pass-succeed-fail.ts';
import { pathsAndResultPath } from './paths-and-resultpath.ts';
import { retry } from './retry.ts';
import { taskTokens } from './task-tokens.ts';
import { timeouts } from './timeouts.ts';
import { variables } from './variables.ts';
import { wait } from './wait.ts';

/** Every case, by topic (one `describe` each). */
export const topics: Readonly<Record<string, readonly ConformanceCase[]>> = {
  'paths-and-resultpath': pathsAndResultPath,
  'parameters-context': parametersContext,
  intrinsics,
  jsonata,
  variables,
  choice,
  wait,
  'pass-succeed-fail': passSucceedFail,
  parallel,
  map,
  retry,
  catch: catchCases,
  timeouts,
  'task-tokens': taskTokens,
  'nested-executions': nestedExecutions,
  'lambda-integration': lambdaIntegration,
  'history-shapes': historyShapes,
  'definitions-refused': definitionsRefused,
  errors,
};
