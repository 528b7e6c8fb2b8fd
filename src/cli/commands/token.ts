import type { Command } from 'commander';
import { TOKEN_SCOPES, type TokenScope } from '../../tokens/types.js';
import { action, CliError, output, withContext } from '../context.js';
import { resolveOrg } from './project.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens');

  token
    .command('create')
    .description('create an API token for scripts and CI (printed once)')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scope <scope>', `one of ${TOKEN_SCOPES.join(', ')}`, 'read')
    .option('--org <org>', 'organisation id or slug (default: the only one)')
    .option('--user <email>', 'the user the token acts for (default: the first instance admin)')
    .option('--expires-days <days>', 'expire after this many days')
    .option('--json', 'print {"token","id","name","scope","orgId"} as JSON')
    .action(
      action(async (options: { name: string; scope: string; org?: string; user?: string; expiresDays?: string; json?: boolean }) => {
        if (!(TOKEN_SCOPES as readonly string[]).includes(options.scope)) throw new CliError(`--scope must be one of ${TOKEN_SCOPES.join(', ')}`);
        const days = options.expiresDays === undefined ? null : Number(options.expiresDays);
        if (days !== null && (!Number.isInteger(days) || days < 1)) throw new CliError('--expires-days must be a positive whole number');
        await withContext(async (ctx) => {
          const user = options.user ? await ctx.services.accounts.findUserByEmail(options.user) : await ctx.services.accounts.firstAdmin();
          if (!user) throw new CliError(options.user ? `no user ${options.user}` : 'no instance admin exists yet; pass --user');
          const org = await resolveOrg(ctx, options.org);
          if ((await ctx.services.orgs.roleOf(org.id, user.id)) === null) throw new CliError(`${user.email} is not a member of ${org.slug}`);
          const created = await ctx.services.tokens.create(
            { orgId: org.id, userId: user.id, name: options.name, scope: options.scope as TokenScope, expiresAt: days ? Date.now() + days * 86_400_000 : null },
            { userId: null, label: 'cli', ip: null },
          );
          output(
            options.json === true,
            { token: created.token, id: created.apiToken.id, name: created.apiToken.name, scope: created.apiToken.scope, orgId: org.id },
            `Token for ${user.email} in ${org.slug} (${created.apiToken.scope}), shown once:\n${created.token}`,
          );
        });
      }),
    );
}
