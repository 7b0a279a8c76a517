/** Maximum response body in bytes that a node keeps, because outputs are stored in the run's trace. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/** Reads a response body as text, failing past `MAX_RESPONSE_BYTES`. */
export async function readResponseText(response: Response, url: string): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await response.body.cancel();
      throw new Error(`response body from ${url} is over the ${MAX_RESPONSE_BYTES}-byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a response body of at most `MAX_RESPONSE_BYTES`. Returns parsed JSON when the content
 * type is JSON, else the text, and null for an empty body.
 */
export async function readResponseBody(response: Response, url: string): Promise<unknown> {
  const text = await readResponseText(response, url);
  if (text === '') return null;
  if (!isJsonContentType(response.headers.get('content-type'))) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`response from ${url} declares JSON but is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}
