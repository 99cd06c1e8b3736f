// The SMART Backend Services client the tests act as: the conformance check's (`@payerbox/aidbox-check`), with the
// test's lifetime for its key set server.
import {
  type AssertionAlg,
  clientAssertion,
  fhirRequest,
  newSigningKey,
  tokenWithAssertion as requestWithAssertion,
  type SigningKey,
  hostKeySet as serveKeySet,
  type TokenResult,
} from '@payerbox/aidbox-check';
import type { Test } from 'tap';

export { type SigningKey, type TokenResult, tokenWithSecret } from '@payerbox/aidbox-check';

/** A SMART Backend Services client's key set (an RS384 and an ES384 key), served from loopback like a partner would. */
export async function hostKeySet(t: Test): Promise<{ jwksUri: string; keys: Record<AssertionAlg, SigningKey> }> {
  const keys = { RS384: await newSigningKey('RS384'), ES384: await newSigningKey('ES384') };
  const host = await serveKeySet();
  host.publish([keys.RS384, keys.ES384]);
  t.teardown(() => host.close());
  return { jwksUri: host.url, keys };
}

/** `client_credentials` with a `private_key_jwt` assertion (SMART Backend Services), `exp` 4 minutes ahead. */
export async function tokenWithAssertion(
  tokenUrl: string,
  clientId: string,
  key: SigningKey,
  scope?: string,
): Promise<TokenResult> {
  return requestWithAssertion(tokenUrl, await clientAssertion(clientId, tokenUrl, key), scope);
}

/** A FHIR GET with a bearer token; answers the status. */
export async function fhirStatus(url: string, accessToken: string): Promise<number> {
  return (await fhirRequest(url, accessToken)).status;
}
