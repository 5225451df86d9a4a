/**
 * A local CloudFormation stand-in for tests of the deploy dry run, and only for the two reads it
 * makes: `DescribeStacks` and `GetTemplate`. No local engine answers CloudFormation, so this
 * answers what the real API documents, in its own wire format.
 *
 * Protocol: @aws-sdk/client-cloudformation (3.1162.0) is configured with `AwsQueryProtocol`
 * (dist-es/runtimeConfig.shared.js), so it POSTs `application/x-www-form-urlencoded` bodies
 * (`Action=DescribeStacks&Version=2010-05-15&StackName=...`) and parses XML answers; not the
 * JSON 1.0 protocol some newer AWS services use.
 *
 * Shapes, from the CloudFormation API Reference:
 * - GetTemplate (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html):
 *   `GetTemplateResponse/GetTemplateResult/{TemplateBody, StagesAvailable/member}` and
 *   `ResponseMetadata/RequestId`; "For stacks, the Original and Processed templates are always
 *   available"; an unknown stack is a `ValidationError`.
 * - DescribeStacks (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html):
 *   `DescribeStacksResponse/DescribeStacksResult/Stacks/member/{StackName, StackId,
 *   CreationTime, StackStatus, DisableRollback}`.
 * - Errors (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html,
 *   query API error format): `ErrorResponse/Error/{Type, Code, Message}` + `RequestId`. An unknown
 *   stack answers HTTP 400 `ValidationError` "Stack with id X does not exist" (the text the CDK
 *   toolkit matches in its CloudFormationStack.lookup). A missing IAM permission answers HTTP
 *   403 `AccessDenied` "User: ... is not authorized to perform: cloudformation:DescribeStacks
 *   ..." (as reported from the real service, e.g. github.com/anomalyco/sst/issues/3006).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stack the stand-in holds. */
export interface StandInStack {
  /** The template CloudFormation holds for it, as submitted (JSON text or an object). */
  readonly template: string | object;
  /** @defaultValue `UPDATE_COMPLETE` */
  readonly status?: string;
}

/** An error the stand-in answers every request with, instead of its stacks. */
export interface StandInError {
  readonly httpStatus: number;
  readonly code: string;
  readonly message: string;
  /** `Sender` for a client fault, `Receiver` for a service fault. */
  readonly type?: 'Sender' | 'Receiver';
}

/** One request the stand-in received. */
export interface StandInRequest {
  readonly action: string;
  readonly params: Record<string, string>;
  /** The SigV4 `Authorization` header (the real SDK signs every request). */
  readonly authorization: string | undefined;
}

/** A running stand-in: point the SDK at `url` with `AWS_ENDPOINT_URL_CLOUDFORMATION`. */
export interface CloudFormationStandIn {
  readonly url: string;
  /** Stacks by name; change them between requests as a test needs. */
  readonly stacks: Map<string, StandInStack>;
  /** Every request received, in order. */
  readonly requests: StandInRequest[];
  /** When set, every request is answered with this error. */
  failWith: StandInError | undefined;
  close(): Promise<void>;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function reply(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

const metadata = (): string => `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;

function replyError(res: ServerResponse, { httpStatus, code, message, type = 'Sender' }: StandInError): void {
  reply(
    res,
    httpStatus,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

const noSuchStack = (name: string): StandInError => ({ httpStatus: 400, code: 'ValidationError', message: `Stack with id ${name} does not exist` });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the stand-in on a free local port. */
export async function startCloudFormationStandIn(): Promise<CloudFormationStandIn> {
  const stacks = new Map<string, StandInStack>();
  const requests: StandInRequest[] = [];
  const created = '2026-11-20T10:00:00.000Z';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const action = params.Action ?? '';
    requests.push({ action, params, authorization: req.headers.authorization });
    if (standIn.failWith) return replyError(res, standIn.failWith);
    if (req.method !== 'POST' || !req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return replyError(res, { httpStatus: 400, code: 'InvalidAction', message: 'The stand-in speaks the query protocol only (form-encoded POST)' });
    }
    const name = params.StackName ?? '';
    const stack = stacks.get(name);
    switch (action) {
      case 'DescribeStacks': {
        if (!stack) return replyError(res, noSuchStack(name));
        const id = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/aaf549a0-a413-11df-adb3-5081b3858e83`;
        return reply(
          res,
          200,
          `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member><StackName>${xmlEscape(name)}</StackName><StackId>${id}</StackId><CreationTime>${created}</CreationTime><StackStatus>${stack.status ?? 'UPDATE_COMPLETE'}</StackStatus><DisableRollback>false</DisableRollback></member></Stacks></DescribeStacksResult>${metadata()}</DescribeStacksResponse>`,
        );
      }
      case 'GetTemplate': {
        if (!stack) return replyError(res, noSuchStack(name));
        const body = typeof stack.template === 'string' ? stack.template : JSON.stringify(stack.template);
        return reply(
          res,
          200,
          `<GetTemplateResponse xmlns="${NS}"><GetTemplateResult><TemplateBody>${xmlEscape(body)}</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable></GetTemplateResult>${metadata()}</GetTemplateResponse>`,
        );
      }
      default:
        // Anything else (a deploy's CreateChangeSet, ...) is outside what this stand-in knows.
        return replyError(res, { httpStatus: 400, code: 'InvalidAction', message: `The stand-in does not implement ${action || 'this request'}` });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => replyError(res, { httpStatus: 500, code: 'InternalFailure', message: String(error), type: 'Receiver' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const standIn: CloudFormationStandIn = {
    url: `http://127.0.0.1:${port}`,
    stacks,
    requests,
    failWith: undefined,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return standIn;
}
