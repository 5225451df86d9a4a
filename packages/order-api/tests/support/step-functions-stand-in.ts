import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One StartExecution request the stand-in received. */
export interface StartExecutionCall {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
}

/** A scripted failure: every StartExecution answers this until cleared. */
export interface StandInFailure {
  readonly status: number;
  readonly type: string;
}

/**
 * Stands in for the AWS Step Functions API (JSON 1.0 protocol) in handler tests: answers
 * `AWSStepFunctions.StartExecution` as a Standard state machine does, so a real `SFNClient` can
 * talk to it. Same name + same input while running -> the same execution; a closed execution of
 * that name, or a different input -> 400 `ExecutionAlreadyExists`.
 *
 * It is not an engine (nothing runs): the local Step Functions endpoint of @order-flow/local
 * replaces it in the app-level tests.
 */
export class StepFunctionsStandIn {
  /** Every StartExecution received, in order (including refused ones). */
  readonly calls: StartExecutionCall[] = [];
  /** When set, StartExecution fails with it (an outage, throttling, ...). */
  failure: StandInFailure | undefined;
  private readonly executions = new Map<string, { input: string; executionArn: string; closed: boolean }>();

  private readonly server: Server = createServer((request, response) => {
    void this.handle(request, response);
  });

  private constructor() {}

  /** Starts the stand-in on a free port of 127.0.0.1. */
  static async start(): Promise<StepFunctionsStandIn> {
    const standIn = new StepFunctionsStandIn();
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  /** `http://127.0.0.1:<port>`: the `endpoint` of an SFNClient. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Marks every execution finished, as if the workflow had run to its end. */
  closeAll(): void {
    for (const execution of this.executions.values()) execution.closed = true;
  }

  /** StartExecution calls for one execution name. */
  callsFor(name: string): StartExecutionCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = request.headers['x-amz-target'];
    if (target !== 'AWSStepFunctions.StartExecution') {
      return reply(response, 400, { __type: 'UnknownOperationException', message: `Not supported here: ${String(target)}` });
    }
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StartExecutionCall;
    this.calls.push(call);
    if (this.failure) return reply(response, this.failure.status, { __type: this.failure.type, message: 'scripted failure' });

    const existing = this.executions.get(call.name);
    if (existing) {
      if (existing.closed || existing.input !== call.input) {
        return reply(response, 400, { __type: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${existing.executionArn}'` });
      }
      return reply(response, 200, { executionArn: existing.executionArn, startDate: Date.now() / 1000 });
    }
    const executionArn = call.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${call.name}`;
    this.executions.set(call.name, { input: call.input, executionArn, closed: false });
    return reply(response, 200, { executionArn, startDate: Date.now() / 1000 });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'stand-in' });
  response.end(JSON.stringify(body));
}
