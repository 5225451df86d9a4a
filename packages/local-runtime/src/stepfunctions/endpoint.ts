import { StepFunctionsError, type ExecutionState, type StateMachineType, type StepFunctionsEngine } from '@order-flow/step-functions';
import { AwsProtocolError, startAwsJsonService } from '../aws-protocol/json-protocol.js';
import type { PortOption } from '../aws-protocol/tcp-ports.js';

/** Options of {@link startStepFunctionsApi}. */
export interface StepFunctionsApiOptions {
  /**
   * Port on 127.0.0.1; 0 picks a free one; a `ReservedPort` is served on the socket it holds. A
   * taken port is a `PortInUseError`.
   * @default 0
   */
  readonly port?: PortOption;
}

/** A running Step Functions API endpoint. */
export interface StepFunctionsApi {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an SFN client, or the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting requests and closes open connections. Safe to call more than once. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Operation = (body: Body, engine: StepFunctionsEngine) => unknown;

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves the Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`, JSON
 * 1.0 bodies, epoch-second timestamps, `{"__type","message"}` errors) on localhost over an
 * engine, so `@aws-sdk/client-sfn` and the AWS CLI work against it unchanged.
 *
 * `StartSyncExecution` and `TestState` are sent by the SDK to a `sync-` host prefix
 * (`sync-127.0.0.1`, which does not resolve): create the client with `disableHostPrefix: true`.
 *
 * @throws PortInUseError when the port is taken
 */
export async function startStepFunctionsApi(engine: StepFunctionsEngine, options: StepFunctionsApiOptions = {}): Promise<StepFunctionsApi> {
  return startAwsJsonService({
    purpose: 'Step Functions API',
    // A taken port is listen()'s PortInUseError naming the purpose: no separate check first.
    port: options.port ?? 0,
    targetPrefix: 'AWSStepFunctions.',
    contentType: 'application/x-amz-json-1.0',
    maxBodyBytes: MAX_BODY_BYTES,
    operations: Object.fromEntries(Object.entries(OPERATIONS).map(([name, operation]) => [name, (body: Body) => operation(body, engine)])),
    toProtocolError: (error) => (error instanceof StepFunctionsError ? new AwsProtocolError(error.name, error.message) : undefined),
    // A StartSyncExecution in flight must not hold close() open.
    closeAllConnections: true,
  });
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: (body, engine) =>
    engine.createStateMachine({
      name: requiredString(body, 'name'),
      definition: requiredString(body, 'definition'),
      ...(body.roleArn !== undefined && { roleArn: requiredString(body, 'roleArn') }),
      ...(body.type !== undefined && { type: machineType(body) }),
    }),
  UpdateStateMachine: (body, engine) =>
    engine.updateStateMachine({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...(body.definition !== undefined && { definition: requiredString(body, 'definition') }),
      ...(body.roleArn !== undefined && { roleArn: requiredString(body, 'roleArn') }),
    }),
  DeleteStateMachine: (body, engine) => {
    engine.deleteStateMachine(requiredString(body, 'stateMachineArn'));
    return {};
  },
  DescribeStateMachine: (body, engine) => engine.describeStateMachine(requiredString(body, 'stateMachineArn')),
  ListStateMachines: (_body, engine) => ({ stateMachines: engine.listStateMachines() }),
  StartExecution: (body, engine) => {
    const { executionArn, startDate } = engine.startExecution({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...optionalString(body, 'input'),
      ...(body.name !== undefined && { name: requiredString(body, 'name') }),
    });
    return { executionArn, startDate };
  },
  StartSyncExecution: async (body, engine) => {
    const result = await engine.startSyncExecution({
      stateMachineArn: requiredString(body, 'stateMachineArn'),
      ...optionalString(body, 'input'),
      ...(body.name !== undefined && { name: requiredString(body, 'name') }),
    });
    return { ...result, inputDetails: { included: true }, ...(result.output !== undefined && { outputDetails: { included: true } }) };
  },
  DescribeExecution: (body, engine) => {
    const description = engine.describeExecution(requiredString(body, 'executionArn'));
    return { ...description, inputDetails: { included: true }, ...(description.output !== undefined && { outputDetails: { included: true } }) };
  },
  GetExecutionHistory: (body, engine) =>
    engine.getExecutionHistory(requiredString(body, 'executionArn'), {
      ...optionalNumber(body, 'maxResults'),
      ...(body.reverseOrder !== undefined && { reverseOrder: body.reverseOrder === true }),
      ...(body.includeExecutionData !== undefined && { includeExecutionData: body.includeExecutionData !== false }),
      ...(body.nextToken !== undefined && { nextToken: requiredString(body, 'nextToken') }),
    }),
  ListExecutions: (body, engine) =>
    engine.listExecutions(requiredString(body, 'stateMachineArn'), {
      ...(body.statusFilter !== undefined && { statusFilter: requiredString(body, 'statusFilter') as ExecutionState }),
      ...optionalNumber(body, 'maxResults'),
      ...(body.nextToken !== undefined && { nextToken: requiredString(body, 'nextToken') }),
    }),
  StopExecution: (body, engine) =>
    engine.stopExecution(requiredString(body, 'executionArn'), {
      ...(body.error !== undefined && { error: requiredString(body, 'error') }),
      ...(body.cause !== undefined && { cause: requiredString(body, 'cause') }),
    }),
  SendTaskSuccess: (body, engine) => {
    engine.sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
    return {};
  },
  SendTaskFailure: (body, engine) => {
    engine.sendTaskFailure(requiredString(body, 'taskToken'), optionalString(body, 'error').error, optionalString(body, 'cause').cause);
    return {};
  },
  SendTaskHeartbeat: (body, engine) => {
    engine.sendTaskHeartbeat(requiredString(body, 'taskToken'));
    return {};
  },
  TestState: (body, engine) =>
    engine.testState({
      definition: requiredString(body, 'definition'),
      ...optionalString(body, 'roleArn'),
      ...optionalString(body, 'input'),
      ...optionalString(body, 'stateName'),
      ...optionalString(body, 'variables'),
      ...(body.inspectionLevel !== undefined && { inspectionLevel: inspectionLevel(body) }),
      ...(body.revealSecrets !== undefined && { revealSecrets: body.revealSecrets === true }),
      ...(body.mock !== undefined && body.mock !== null && { mock: mockOf(body) }),
      ...(body.stateConfiguration !== undefined && body.stateConfiguration !== null && { stateConfiguration: stateConfiguration(body) }),
    }),
};

function inspectionLevel(body: Body): 'INFO' | 'DEBUG' | 'TRACE' {
  const level = requiredString(body, 'inspectionLevel');
  if (level !== 'INFO' && level !== 'DEBUG' && level !== 'TRACE') throw new StepFunctionsError('ValidationException', `inspectionLevel must be INFO, DEBUG or TRACE, got '${level}'`);
  return level;
}

function objectField(body: Body, key: string): Body {
  const value = body[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StepFunctionsError('ValidationException', `'${key}' must be an object`);
  return value as Body;
}

function mockOf(body: Body): NonNullable<Parameters<StepFunctionsEngine['testState']>[0]['mock']> {
  const mock = objectField(body, 'mock');
  const errorOutput = mock.errorOutput === undefined || mock.errorOutput === null ? undefined : objectField(mock, 'errorOutput');
  return {
    ...optionalString(mock, 'result'),
    ...optionalString(mock, 'fieldValidationMode'),
    ...(errorOutput !== undefined && { errorOutput: { ...optionalString(errorOutput, 'error'), ...optionalString(errorOutput, 'cause') } }),
  };
}

function stateConfiguration(body: Body): { retrierRetryCount?: number } {
  const configuration = objectField(body, 'stateConfiguration');
  const count = configuration.retrierRetryCount;
  if (count === undefined || count === null) return {};
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new StepFunctionsError('ValidationException', "'stateConfiguration.retrierRetryCount' must be a non-negative integer");
  return { retrierRetryCount: count };
}

function machineType(body: Body): StateMachineType {
  const type = requiredString(body, 'type');
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new StepFunctionsError('ValidationException', `type must be STANDARD or EXPRESS, got '${type}'`);
  return type;
}

function requiredString(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') throw new StepFunctionsError('ValidationException', `'${key}' must be a string`);
  return value;
}

function optionalString<K extends string>(body: Body, key: K): { [P in K]?: string } {
  return body[key] === undefined || body[key] === null ? {} : ({ [key]: requiredString(body, key) } as { [P in K]?: string });
}

function optionalNumber(body: Body, key: 'maxResults'): { maxResults?: number } {
  const value = body[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number') throw new StepFunctionsError('ValidationException', `'${key}' must be a number`);
  return { [key]: value };
}
