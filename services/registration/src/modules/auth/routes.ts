import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemError } from '../../errors.ts';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
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
        description:
          'For the SPAs: a browser navigates here and comes back signed in, to `returnTo`. Partner tools use API ' +
          'tokens instead.',
        querystring: Type.Object(
          {
            app: StringEnum(['developer', 'admin'], { default: 'developer' }),
            returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'A path of the same SPA' })),
          },
          { additionalProperties: false },
        ),
        response: {
          302: Type.Null({ description: 'To the identity provider' }),
          ...problemResponses('invalid_return_to', 'sign_in_not_configured', 'identity_provider_unavailable'),
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
        description:
          'Checks state, nonce and PKCE, exchanges the code, creates or updates the user and sets the session cookie ' +
          '(httpOnly, SameSite=Lax, `__Host-` and Secure outside development).',
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
          ...problemResponses(
            'sign_in_failed',
            'sign_in_not_configured',
            'email_in_use',
            'identity_provider_unavailable',
          ),
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
        description: 'The SPAs send the CSRF token as `X-CSRF-Token` with every change they make.',
        response: {
          200: jsonResponse(Ref(SessionSchema), 'The session'),
          ...problemResponses('unauthenticated', 'invalid_token', 'session_expired', 'unknown_user', 'no_session'),
        },
      },
      config: {
        examples: {
          responses: {
            200: {
              session: {
                summary: 'A developer signed in',
                value: {
                  user: {
                    id: '0193a5b2-7c1d-7e0f-9a4b-5c6d7e8f9a0b',
                    email: 'dana@partner.example',
                    name: 'Dana Developer',
                    role: 'developer',
                  },
                  csrfToken: 'kq3V9sJ0yBv2Zr8mW1xT5nA7cL4dE6fH',
                  expiresAt: '2026-11-02T21:14:05.000Z',
                },
              },
            },
          },
        },
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
        description: "Clears the session cookie; navigate to `logoutUrl`, when there is one, to end the issuer's.",
        response: {
          200: Type.Object(
            {
              logoutUrl: Nullable(Type.String({ description: "Navigate here to end the identity provider's session" })),
            },
            { description: 'Signed out' },
          ),
          ...problemResponses('unauthenticated', 'invalid_token', 'session_expired', 'unknown_user', 'csrf_failed'),
        },
      },
      config: {
        examples: {
          responses: {
            200: {
              issuer: {
                summary: 'The issuer can end its session too',
                value: { logoutUrl: 'https://id.payer.example/logout?client_id=portal' },
              },
            },
          },
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
