/**
 * The Sentry-style DSN for an ingest key: `{scheme}://{publicKey}@{host}[:{port}][/{path}]/{projectId}`.
 * SDKs derive the envelope endpoint `{scheme}://{host}[/{path}]/api/{projectId}/envelope/` from it.
 */
export function dsnFor(publicUrl: string, publicKey: string, projectId: number): string {
  const url = new URL(publicUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${publicKey}@${url.host}${path}/${projectId}`;
}
