/**
 * What the test run may use. Tests (not src/) read the environment here only.
 * CI=true (set by .ci/run) makes PostgreSQL and Chromium mandatory: a missing one fails the run
 * instead of skipping with a notice.
 */
export const testEnv = {
  postgresUrl: process.env.WATCHPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  chromiumPath: process.env.WATCHPOST_TEST_CHROMIUM ?? '/usr/bin/chromium',
  required: process.env.CI === 'true' || process.env.CI === '1' || process.env.WATCHPOST_TEST_REQUIRE_ALL === '1',
};

const noticed = new Set<string>();

/** Prints a loud, once-per-process notice that a part of the suite is skipped. */
export function loudSkip(what: string, why: string): void {
  if (noticed.has(what)) return;
  noticed.add(what);
  const line = '!'.repeat(78);
  process.stderr.write(`\n${line}\n!! SKIPPING ${what}: ${why}\n!! Set CI=true to make this a failure instead of a skip.\n${line}\n\n`);
}
