/**
 * API Gateway HTTP APIs (ApiGatewayV2, protocol HTTP) as the synthesized templates declare them:
 * the APIs, their stages, routes and Lambda proxy integrations.
 */
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import type { InvocationOutcome } from '../lambda/index.js';

/** Authorization types of an HTTP API route. Recorded only: locally no request is authenticated. */
export type HttpAuthorizationType = 'NONE' | 'AWS_IAM' | 'JWT' | 'CUSTOM' | (string & {});

/** The integration behind a route. */
export interface HttpRouteIntegration {
  /** The Integration's logical id. */
  readonly logicalId: string;
  /** `AWS_PROXY`, `HTTP_PROXY`, ... Only Lambda `AWS_PROXY` integrations run locally. */
  readonly type: string;
  /** The Lambda function ARN, when the integration is a Lambda proxy. */
  readonly functionArn?: string;
  /** Why the integration cannot run locally (requests to it get a 500). */
  readonly unsupported?: string;
  readonly payloadFormatVersion: '1.0' | '2.0';
  /** Integration timeout (`TimeoutInMillis`, default 30 000 like API Gateway). */
  readonly timeoutMs: number;
}

/** One route of an HTTP API. */
export interface HttpRoute {
  /** `'POST /orders'`, `'GET /orders/{orderId}'`, `'ANY /{proxy+}'` or `'$default'`. */
  readonly routeKey: string;
  /** Recorded from the template; the local HTTP API does not authenticate requests. */
  readonly authorizationType: HttpAuthorizationType;
  /** @default - none: the route answers 500, as a route without integration would */
  readonly integration?: HttpRouteIntegration;
  /** The Route's logical id, when read from a template. */
  readonly logicalId?: string;
}

/** An HTTP API read from the assembly. */
export interface HttpApiDefinition {
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path, e.g. `MyStack/Api/Resource`. */
  readonly path?: string;
  /** The Api's `Name` property. */
  readonly name: string;
  /** What `Ref` of the Api resolves to locally; used as `requestContext.apiId`. */
  readonly apiId: string;
  /** Stage names (`$default` serves at the root; other stages under `/<stage>`). */
  readonly stages: readonly string[];
  readonly routes: readonly HttpRoute[];
}

/**
 * What {@link httpApisFromAssembly} needs of a resolver; `AssemblyResolver` fits as is.
 */
export interface TemplateValueResolver {
  resolve(stack: AssemblyStack, value: unknown): unknown;
  refOf(stack: AssemblyStack, logicalId: string): unknown;
  isActive(stack: AssemblyStack, resource: TemplateResource): boolean;
}

/** Invokes a function by ARN with Lambda semantics (e.g. the runtime's `invokeOutcome`). */
export type HttpFunctionInvoker = (functionArn: string, event: unknown) => Promise<InvocationOutcome>;

const DEFAULT_TIMEOUT_MS = 30_000;
const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^/]+$/;
// The REST-style integration URI also appears in hand-written templates.
const APIGATEWAY_LAMBDA_URI = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/;

/**
 * Builds every HTTP API of the assembly (`AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`)
 * with its routes, Lambda proxy integrations and stages. Routes, integrations and stages are
 * joined to their Api by the resolved `ApiId`, and routes to integrations by the resolved
 * `Target` (`integrations/<Ref of the Integration>`), so cross-stack references work too.
 * An Api's quick-create `Target` becomes a `$default` route.
 */
export function httpApisFromAssembly(stacks: readonly AssemblyStack[], resolver: TemplateValueResolver): HttpApiDefinition[] {
  const active = stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => resolver.isActive(stack, r)).map((resource) => ({ stack, resource })));
  const ofType = (type: string) => active.filter(({ resource }) => resource.type === type);
  const props = (stack: AssemblyStack, resource: TemplateResource) => resolver.resolve(stack, resource.properties) as Record<string, unknown>;

  const integrations = new Map<string, HttpRouteIntegration & { apiId: string }>();
  for (const { stack, resource } of ofType('AWS::ApiGatewayV2::Integration')) {
    const p = props(stack, resource);
    integrations.set(String(resolver.refOf(stack, resource.logicalId)), { ...toIntegration(resource.logicalId, p), apiId: String(p.ApiId) });
  }
  const routes = ofType('AWS::ApiGatewayV2::Route').map(({ stack, resource }) => {
    const p = props(stack, resource);
    const target = typeof p.Target === 'string' ? p.Target : undefined;
    const integration = target?.startsWith('integrations/') ? integrations.get(target.slice('integrations/'.length)) : undefined;
    const route: HttpRoute = {
      routeKey: String(p.RouteKey),
      authorizationType: typeof p.AuthorizationType === 'string' ? p.AuthorizationType : 'NONE',
      logicalId: resource.logicalId,
      ...(integration && { integration: withoutApiId(integration) }),
    };
    return { apiId: String(p.ApiId), route };
  });
  const stages = ofType('AWS::ApiGatewayV2::Stage').map(({ stack, resource }) => {
    const p = props(stack, resource);
    return { apiId: String(p.ApiId), name: String(p.StageName) };
  });

  return ofType('AWS::ApiGatewayV2::Api')
    .map(({ stack, resource }) => ({ stack, resource, p: props(stack, resource) }))
    .filter(({ p }) => p.ProtocolType === 'HTTP')
    .map(({ stack, resource, p }) => {
      const apiId = String(resolver.refOf(stack, resource.logicalId));
      const apiRoutes = routes.filter((r) => r.apiId === apiId).map((r) => r.route);
      if (typeof p.Target === 'string') {
        apiRoutes.push({
          routeKey: typeof p.RouteKey === 'string' ? p.RouteKey : '$default',
          authorizationType: 'NONE',
          integration: toIntegration(`${resource.logicalId}(quick create)`, { IntegrationType: 'AWS_PROXY', IntegrationUri: p.Target, PayloadFormatVersion: '2.0' }),
        });
      }
      // Quick-create APIs get an auto-deployed $default stage.
      const apiStages = stages.filter((s) => s.apiId === apiId).map((s) => s.name);
      return {
        stackName: stack.stackName,
        logicalId: resource.logicalId,
        ...(resource.path !== undefined && { path: resource.path }),
        name: typeof p.Name === 'string' ? p.Name : resource.logicalId,
        apiId,
        stages: apiStages.length === 0 && typeof p.Target === 'string' ? ['$default'] : apiStages,
        routes: apiRoutes,
      };
    });
}

function withoutApiId({ apiId: _apiId, ...integration }: HttpRouteIntegration & { apiId: string }): HttpRouteIntegration {
  return integration;
}

function toIntegration(logicalId: string, p: Record<string, unknown>): HttpRouteIntegration {
  const type = String(p.IntegrationType);
  const payloadFormatVersion = p.PayloadFormatVersion === '1.0' ? '1.0' : '2.0';
  const timeoutMs = typeof p.TimeoutInMillis === 'number' ? p.TimeoutInMillis : DEFAULT_TIMEOUT_MS;
  const base = { logicalId, type, payloadFormatVersion, timeoutMs } as const;
  const uri = typeof p.IntegrationUri === 'string' ? p.IntegrationUri : '';
  const functionArn = LAMBDA_ARN.test(uri) ? uri : APIGATEWAY_LAMBDA_URI.exec(uri)?.[1];
  if (type !== 'AWS_PROXY' || p.IntegrationSubtype !== undefined || functionArn === undefined) {
    const what = p.IntegrationSubtype !== undefined ? `${type} ${JSON.stringify(p.IntegrationSubtype)}` : `${type} ${uri}`;
    return { ...base, unsupported: `integration ${logicalId} (${what}) is not a Lambda proxy integration; only those run locally` };
  }
  return { ...base, functionArn };
}

