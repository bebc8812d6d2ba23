/** Scheme, host and port: what a message may say about a server, never a URL's credentials. */
export function serverOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    // A scheme the URL standard does not know (postgres:, ws: is known) has the origin "null".
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return '(an invalid URL)';
  }
}
