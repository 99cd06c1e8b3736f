import selfsigned from 'selfsigned';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * A self-signed certificate for `hostname` (EC P-256, fast to make). Passed as the client's `ca`, it is its own
 * trust anchor; `validFor` in days, negative for one that has already expired.
 */
export async function certificateFor(hostname: string, validFor = 1): Promise<TestCertificate> {
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const [notBefore, notAfter] =
    validFor >= 0
      ? [new Date(now - day), new Date(now + validFor * day)]
      : [new Date(now - 10 * day), new Date(now + validFor * day)];
  const pems = await selfsigned.generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: hostname }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
