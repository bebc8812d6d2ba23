/** Scheme, host and port: what a message may say about a server, never a URL's credentials. */
export function serverOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an invalid URL)';
  }
}
