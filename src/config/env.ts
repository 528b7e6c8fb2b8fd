/**
 * The value of an environment variable the operator names on the command line (`--url-env
 * SHOP_DB_URL`), so secrets stay off command lines. Lives in src/config, the one reader of the
 * environment, without the config schema's imports (the CLI's --help stays instant).
 */
export function namedVariable(name: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
