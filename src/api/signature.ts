import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries the signature, by source; Gitea also accepts GitHub's header. */
const SIGNATURE_HEADERS: Record<string, Array<{ header: string; prefix: string }>> = {
  github: [{ header: 'x-hub-signature-256', prefix: 'sha256=' }],
  gitea: [
    { header: 'x-gitea-signature', prefix: '' },
    { header: 'x-hub-signature-256', prefix: 'sha256=' },
  ],
  generic: [{ header: 'x-hookflow-signature-256', prefix: 'sha256=' }],
};

export function signatureHeaderNames(source: string): string[] {
  return (SIGNATURE_HEADERS[source] ?? []).map((h) => h.header);
}

/** HMAC-SHA256 of the exact body bytes, as lowercase hex. */
export function signBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks the delivery's signature over the raw body with a constant-time compare. SHA-1
 * headers never count, and neither does anything inside the payload.
 */
export function verifySignature(
  source: string,
  secret: string,
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
): boolean {
  const expected = Buffer.from(signBody(secret, body), 'hex');
  for (const { header, prefix } of SIGNATURE_HEADERS[source] ?? []) {
    const value = headers[header];
    if (typeof value !== 'string') continue;
    if (!value.startsWith(prefix)) return false;
    const hex = value.slice(prefix.length).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
    return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
  }
  return false;
}
