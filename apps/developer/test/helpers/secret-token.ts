// What a client_secret service gets at an Aidbox environment's token endpoint: how the tests tell a working client
// from a switched-off one, as the service itself would find out.

/** The status and OAuth error (`invalid_client`…) of a client_credentials token request with Basic credentials. */
export async function secretTokenRequest(
  aidboxUrl: string,
  clientId: string,
  secret: string,
): Promise<{ status: number; error: string | undefined }> {
  const response = await fetch(`${aidboxUrl}/auth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, error: body.error };
}
