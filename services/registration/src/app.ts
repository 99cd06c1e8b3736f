import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Resolver } from '@payerbox/safe-fetch';
import { serviceLoggerOptions } from '@payerbox/service-runtime';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import { aidboxEnvironmentRoutes } from './modules/aidbox-environments/routes.ts';
import { AIDBOX_ENVIRONMENT_SCHEMAS } from './modules/aidbox-environments/schemas.ts';
import { apiTokenRoutes } from './modules/api-tokens/routes.ts';
import { API_TOKEN_SCHEMAS } from './modules/api-tokens/schemas.ts';
import { auditEventRoutes } from './modules/audit-events/routes.ts';
import { EXPORT_BATCH_SIZE } from './modules/audit-events/service.ts';
import { serviceTimelineRoutes } from './modules/audit-events/timeline-routes.ts';
import { authRoutes, SessionSchema } from './modules/auth/routes.ts';
import { adminBackendServiceRoutes } from './modules/backend-services/admin-routes.ts';
import { backendServiceRoutes } from './modules/backend-services/routes.ts';
import { BACKEND_SERVICE_SCHEMAS } from './modules/backend-services/schemas.ts';
import { clientSecretRoutes } from './modules/backend-services/secret-routes.ts';
import { adminChangeRequestRoutes, changeRequestRoutes } from './modules/change-requests/routes.ts';
import { CHANGE_REQUEST_SCHEMAS } from './modules/change-requests/schemas.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { jwksCheckRoutes } from './modules/jwks-checks/routes.ts';
import { JWKS_SCHEMAS } from './modules/jwks-checks/schemas.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { NOTIFICATION_SCHEMAS } from './modules/notifications/schemas.ts';
import { adminOrganizationRoutes, organizationRoutes } from './modules/organizations/routes.ts';
import { ORGANIZATION_SCHEMAS } from './modules/organizations/schemas.ts';
import { reviewQueueRoutes } from './modules/review-queue/routes.ts';
import { REVIEW_QUEUE_SCHEMAS } from './modules/review-queue/schemas.ts';
import { userRoutes } from './modules/users/routes.ts';
import { USER_SCHEMAS } from './modules/users/schemas.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { WEBHOOK_SCHEMAS } from './modules/webhooks/schemas.ts';
import { aidboxEnvironmentsPlugin } from './plugins/aidbox-environments.ts';
import { authenticationPlugin } from './plugins/authentication.ts';
import { databasePlugin } from './plugins/database.ts';
import { documentedProblemsPlugin } from './plugins/documented-problems.ts';
import { drainingPlugin } from './plugins/draining.ts';
import { housekeepingPlugin } from './plugins/housekeeping.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { methodNotAllowedPlugin } from './plugins/method-not-allowed.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { organizationsPlugin } from './plugins/organizations.ts';
import { clientErrorHandler, problemHandlerPlugin, replyWithProblem } from './plugins/problem-handler.ts';
import { provisionerWakeupPlugin } from './plugins/provisioner-wakeup.ts';
import { rateLimitsPlugin } from './plugins/rate-limits.ts';
import { responseHeadersPlugin } from './plugins/response-headers.ts';
import { safeFetchPlugin } from './plugins/safe-fetch.ts';
import { spaHostingPlugin } from './plugins/spa-hosting.ts';
import { textInputPlugin } from './plugins/text-input.ts';
import { SHARED_SCHEMAS } from './schemas/common.ts';
import { installValidators } from './validation.ts';

export type { Config } from './config.ts';
export { ConfigError, loadConfig } from './config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface BuildOptions {
  /** Logger settings; defaults to `loggerOptions(config)`. Prefer `logStream`, which keeps the redaction. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Where the JSON log lines go (stdout by default); tests capture them here. */
  readonly logStream?: { write(line: string): void };
  /** Tests resolve made-up host names of JWKS URIs to loopback; production uses the system resolver. */
  readonly resolveHost?: Resolver;
  /** Events per database read of the audit export; tests use a small one to cross batch boundaries. */
  readonly auditExportBatchSize?: number;
}

/** Query parameters whose values never reach the logs (the request URL is logged). */
const SECRET_QUERY_PARAMETER = /token|secret|password|assertion|code|state|session|key|cookie/i;

/** The request URL as logged: values of credential-like query parameters are masked. */
function loggableUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0] ?? '';
      // A malformed escape must not break logging; the raw name is tested then.
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {}
      return SECRET_QUERY_PARAMETER.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

/**
 * JSON logs with credentials masked (the services' shared settings and redaction list). The request serializer
 * logs no headers or bodies, and masks credential-like query parameters of the URL.
 */
export function loggerOptions(config: Config, stream?: BuildOptions['logStream']) {
  return {
    ...serviceLoggerOptions({ level: config.logLevel }),
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: loggableUrl(req.url),
        host: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket.remotePort ?? 0,
      }),
    },
  };
}

/** A client's request id is kept when it is a sane token; anything else gets a fresh UUID. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Builds the registration API, ready to `listen` or to `inject` in tests. It never listens itself. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config, options.logStream),
    // Logged as `reqId`, echoed in the x-request-id response header and in problem+json bodies (`requestId`).
    requestIdHeader: false,
    genReqId: requestIdOf,
    bodyLimit: 256 * 1024,
    // request.ip is the client behind the configured proxies (rate limits count per address, logs show it).
    trustProxy: config.trustedProxies === false ? false : [...config.trustedProxies],
    // Errors the router raises before any route or hook (a malformed URL, an over-long path segment), and requests
    // Node cannot parse at all, leave as the same problem+json as every other error, not as Fastify's own JSON.
    frameworkErrors: replyWithProblem,
    clientErrorHandler,
    // Longer than any identifier of ours, so that a wrong id reaches the schema and is refused as the invalid
    // parameter it is (400 at /params/id); only absurd segments are refused by the router (414 uri_too_long).
    routerOptions: { maxParamLength: 500 },
    // Requests arriving while the server drains are refused by plugins/draining.ts, as problem+json.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('config', config);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const schemas = [
    ...SHARED_SCHEMAS,
    ...USER_SCHEMAS,
    ...JWKS_SCHEMAS,
    ...AIDBOX_ENVIRONMENT_SCHEMAS,
    ...ORGANIZATION_SCHEMAS,
    ...BACKEND_SERVICE_SCHEMAS,
    ...API_TOKEN_SCHEMAS,
    ...NOTIFICATION_SCHEMAS,
    ...WEBHOOK_SCHEMAS,
    SessionSchema,
    ...CHANGE_REQUEST_SCHEMAS,
    ...REVIEW_QUEUE_SCHEMAS,
  ];
  for (const schema of schemas) app.addSchema(schema);
  installValidators(app, schemas);

  try {
    await app.register(problemHandlerPlugin);
    await app.register(documentedProblemsPlugin);
    await app.register(methodNotAllowedPlugin);
    await app.register(drainingPlugin);
    await app.register(jsonBodyPlugin);
    await app.register(textInputPlugin);
    await app.register(metricsPlugin, { token: config.metricsToken });
    await app.register(openapiPlugin);
    await app.register(databasePlugin, {
      databaseUrl: config.databaseUrl,
      poolSize: config.databasePoolSize,
      preparedStatements: config.databasePreparedStatements,
    });
    await app.register(provisionerWakeupPlugin);
    await app.register(authenticationPlugin);
    await app.register(rateLimitsPlugin);
    await app.register(responseHeadersPlugin);
    await app.register(housekeepingPlugin);
    await app.register(safeFetchPlugin, { allowLoopback: config.allowLoopbackJwks, resolve: options.resolveHost });
    await app.register(organizationsPlugin, { orgbac: config.orgbac });
    await app.register(aidboxEnvironmentsPlugin, {
      urls: config.aidboxUrls,
      maxAgeSeconds: config.smartConfigurationMaxAgeSeconds,
    });

    await app.register(healthRoutes, { prefix: '/api' });
    await app.register(authRoutes, { prefix: '/api/auth' });
    await app.register(
      async (v1) => {
        v1.addHook('onRequest', v1.authenticate);
        await v1.register(userRoutes);
        await v1.register(backendServiceRoutes);
        await v1.register(changeRequestRoutes);
        await v1.register(clientSecretRoutes);
        await v1.register(serviceTimelineRoutes);
        await v1.register(jwksCheckRoutes);
        await v1.register(aidboxEnvironmentRoutes);
        await v1.register(organizationRoutes);
        await v1.register(apiTokenRoutes({ maxDays: config.apiTokenMaxDays }));
        await v1.register(notificationRoutes);
        await v1.register(webhookRoutes);
      },
      { prefix: '/api/v1' },
    );
    await app.register(
      async (admin) => {
        admin.addHook('onRequest', admin.requireAdmin);
        await admin.register(adminBackendServiceRoutes);
        await admin.register(reviewQueueRoutes);
        await admin.register(adminChangeRequestRoutes);
        await admin.register(adminOrganizationRoutes);
        await admin.register(auditEventRoutes({ exportBatchSize: options.auditExportBatchSize ?? EXPORT_BATCH_SIZE }));
      },
      { prefix: '/api/v1/admin' },
    );
    // Everything outside /api: the built SPAs, when configured (their routes stay out of the OpenAPI document).
    await app.register(spaHostingPlugin, { developerDir: config.spaDirs.developer, adminDir: config.spaDirs.admin });

    await app.ready();
  } catch (error) {
    // A plugin that failed to start must not leave the ones before it running (pool, listener, timers).
    await app.close().catch(() => {});
    throw error;
  }
  return app;
}
