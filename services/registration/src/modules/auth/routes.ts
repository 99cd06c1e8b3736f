import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemError } from '../../errors.ts';
import { problemResponses } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum } from '../../schemas/primitives.ts';
import { MeSchema } from '../users/schemas.ts';
import type { OidcRelyingParty } from './oidc.ts';
import { finishSignIn, signOut, startSignIn } from './service.ts';
import { sessionCookie } from './session-cookie.ts';

const tags = ['auth'];

export const SessionSchema = Type.Object(
  {
    user: Ref(MeSchema),
    csrfToken: Type.String({ description: 'Send as X-CSRF-Token with every state-changing request' }),
    expiresAt: DateTime,
  },
  { $id: 'Session' },
);

const notConfigured = () =>
  new ProblemError({
    status: 404,
    code: 'sign_in_not_configured',
    title: 'Sign-in is not configured',
    detail: 'This portal has no OpenID Connect issuer; use API tokens.',
  });

/** Sign-in for the SPAs (the API is their backend for OpenID Connect). Registered under /api/auth. */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cookie = sessionCookie(app.config.mode === 'production');
  const rp = (): OidcRelyingParty => {
    if (!app.relyingParty) throw notConfigured();
    return app.relyingParty;
  };

  app.get(
    '/login',
    {
      schema: {
        operationId: 'signIn',
        tags,
        security: [],
        summary: 'Start signing in: redirects to the identity provider (authorization code flow with PKCE)',
        querystring: Type.Object(
          {
            app: StringEnum(['developer', 'admin'], { default: 'developer' }),
            returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'A path of the same SPA' })),
          },
          { additionalProperties: false },
        ),
        response: {
          302: Type.Null({ description: 'To the identity provider' }),
          ...problemResponses(400, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const location = await startSignIn(app, rp(), request.query.app ?? 'developer', request.query.returnTo);
      return reply.redirect(location, 302);
    },
  );

  app.get(
    '/callback',
    {
      schema: {
        operationId: 'signInCallback',
        tags,
        security: [],
        summary: 'Where the identity provider returns; starts the session and redirects into the SPA',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.String({ maxLength: 500 })),
            code: Type.Optional(Type.String({ maxLength: 4000 })),
            error: Type.Optional(Type.String({ maxLength: 200 })),
            error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: true },
        ),
        response: {
          302: Type.Null({ description: 'Into the SPA, signed in' }),
          ...problemResponses(400, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const signedIn = await finishSignIn(app, rp(), request.url, request.query);
      reply.setCookie(cookie.name, signedIn.sessionToken, { ...cookie.options, expires: signedIn.expiresAt });
      return reply.redirect(signedIn.returnTo, 302);
    },
  );

  app.get(
    '/session',
    {
      onRequest: app.authenticate,
      schema: {
        operationId: 'getSession',
        tags,
        summary: 'The signed-in user and the CSRF token of the browser session',
        response: { 200: Ref(SessionSchema), ...problemResponses(401, 429) },
      },
    },
    async (request) => {
      if (!request.session || !request.user) {
        throw new ProblemError({
          status: 401,
          code: 'no_session',
          title: 'No browser session',
          detail: 'This request authenticated with a token, not a browser session.',
        });
      }
      return {
        user: request.user,
        csrfToken: request.session.csrfToken,
        expiresAt: request.session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/logout',
    {
      onRequest: app.authenticate,
      schema: {
        operationId: 'signOut',
        tags,
        summary: 'End the browser session here and, when the issuer supports it, at the issuer',
        response: {
          200: Type.Object(
            {
              logoutUrl: Nullable(Type.String({ description: "Navigate here to end the identity provider's session" })),
            },
            { description: 'Signed out' },
          ),
          ...problemResponses(401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const logoutUrl = await signOut(app, request.session);
      reply.clearCookie(cookie.name, cookie.options);
      return { logoutUrl: logoutUrl ?? null };
    },
  );
};
