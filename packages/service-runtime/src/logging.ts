// One logger configuration for both services (registration through Fastify, the provisioner through pino directly):
// the same level handling and the same redaction list. Errors go under pino's `err` key, which both loggers'
// standard serializers render with type, message and stack.

/**
 * Headers that carry credentials, masked wherever a request, a response or a log call shows headers. Written as
 * path segments: a name with a hyphen needs brackets (pino ignores a quoted name after a dot, `headers."set-cookie"`).
 */
const CREDENTIAL_HEADERS = [
  '.authorization',
  '.cookie',
  '["set-cookie"]',
  '["x-csrf-token"]',
  '["proxy-authorization"]',
];
/** Fields that carry credentials, masked at the top of a log object and up to two levels down. */
const CREDENTIAL_FIELDS = [
  'clientSecret',
  'client_secret',
  'clientAssertion',
  'client_assertion',
  'password',
  'token',
  'secret',
  'authorization',
];

/**
 * The one redaction list. Neither service logs credentials on purpose (the request serializer logs no headers or
 * bodies, the worker logs ids); these paths mask them should a log call ever include one.
 */
export const LOG_REDACTION = {
  paths: [
    ...new Set([
      ...CREDENTIAL_HEADERS.flatMap((h) => [`req.headers${h}`, `res.headers${h}`, `headers${h}`]),
      ...CREDENTIAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
    ]),
  ],
  censor: '[redacted]',
} as const;

/** pino options (also Fastify's `logger` option) for a service: its level, its name when given, the redaction. */
export function serviceLoggerOptions(settings: { readonly level: string; readonly name?: string }) {
  return {
    level: settings.level,
    ...(settings.name === undefined ? {} : { name: settings.name }),
    redact: { paths: [...LOG_REDACTION.paths], censor: LOG_REDACTION.censor },
  };
}
