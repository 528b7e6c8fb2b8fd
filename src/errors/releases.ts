/**
 * Release ordering for "resolved in release X" regressions. Versions that both parse as semver
 * (optionally after a `package@` prefix, as Sentry's release names often are) compare as semver;
 * otherwise the release first seen later is the newer one.
 */
const SEMVER = /^(?:[^@\s]+@)?v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(version: string): { core: [number, number, number]; pre: string | null; pkg: string } | null {
  const m = SEMVER.exec(version);
  if (!m) return null;
  const at = version.lastIndexOf('@');
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ?? null, pkg: at > 0 ? version.slice(0, at) : '' };
}

/** Negative when a < b, positive when a > b, 0 when equal or not comparable as semver. */
export function compareSemver(a: string, b: string): number | null {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  if (!pa || !pb || pa.pkg !== pb.pkg) return null;
  for (let i = 0; i < 3; i++) {
    const d = (pa.core[i] ?? 0) - (pb.core[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === null) return 1; // 1.0.0 > 1.0.0-rc.1
  if (pb.pre === null) return -1;
  return pa.pre.localeCompare(pb.pre, 'en', { numeric: true });
}

/** True when `candidate` is a newer release than `base`. `firstSeen` gives release creation times. */
export function isNewerRelease(candidate: string, base: string, firstSeen: (version: string) => number | undefined): boolean {
  if (candidate === base) return false;
  const semver = compareSemver(candidate, base);
  if (semver !== null) return semver > 0;
  const a = firstSeen(candidate);
  const b = firstSeen(base);
  // A release we have never seen before this event is newer than any we have.
  if (a === undefined) return true;
  if (b === undefined) return false;
  return a > b;
}
