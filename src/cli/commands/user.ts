import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { ROLES, type Role } from '../../orgs/types.js';
import { action, CliError, output, readStdin, withContext } from '../context.js';

const CLI_ACTOR = { userId: null, label: 'cli', ip: null };

async function passwordFrom(options: { password?: string; passwordStdin?: boolean }, generate: boolean): Promise<{ password: string; generated: boolean }> {
  if (options.password !== undefined) return { password: options.password, generated: false };
  if (options.passwordStdin) return { password: await readStdin(), generated: false };
  if (generate) return { password: randomBytes(12).toString('base64url'), generated: true };
  throw new CliError('give --password P or --password-stdin');
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage user accounts');

  user
    .command('create')
    .description('create a user; the first user also gets an organisation to own')
    .requiredOption('--email <email>', 'email address (the login)')
    .option('--password <password>', 'password (at least 8 characters)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--name <name>', 'display name')
    .option('--admin', 'make the user an instance administrator')
    .option('--org <org>', 'organisation id, slug or new name to join (created if missing, with the user as owner)')
    .option('--role <role>', `role in --org: ${ROLES.join(', ')}`, 'member')
    .option('--json', 'print machine-readable output')
    .action(
      action(async (options: { email: string; password?: string; passwordStdin?: boolean; name?: string; admin?: boolean; org?: string; role: string; json?: boolean }) => {
        if (!(ROLES as readonly string[]).includes(options.role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}`);
        const { password } = await passwordFrom(options, false);
        await withContext(async (ctx) => {
          const { accounts, orgs } = ctx.services;
          const first = (await accounts.countUsers()) === 0;
          const created = await accounts.createUser({ email: options.email, name: options.name, password, isAdmin: options.admin === true }, CLI_ACTOR);
          let membership: { orgId: string; role: Role } | null = null;
          const orgName = options.org ?? (first ? 'Default' : undefined);
          if (orgName !== undefined) {
            const existing = await orgs.find(orgName);
            if (existing) {
              await orgs.addMember(existing.id, created.id, options.role as Role, CLI_ACTOR);
              membership = { orgId: existing.id, role: options.role as Role };
            } else {
              const org = await orgs.create(orgName, created.id, CLI_ACTOR);
              membership = { orgId: org.id, role: 'owner' };
            }
          }
          output(
            options.json === true,
            { id: created.id, email: created.email, isAdmin: created.is_admin === 1, org: membership },
            `Created ${created.email}${created.is_admin ? ' (instance admin)' : ''}${membership ? `, ${membership.role} of organisation ${membership.orgId}` : ''}.`,
          );
        });
      }),
    );

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(name)
      .description(disabled ? 'stop a user from logging in: ends their sessions, their API tokens stop working' : 'let a disabled user log in again')
      .requiredOption('--email <email>', 'the user')
      .option('--json', 'print machine-readable output')
      .action(
        action(async (options: { email: string; json?: boolean }) => {
          await withContext(async (ctx) => {
            const changed = await ctx.services.accounts.setDisabled(options.email, disabled, CLI_ACTOR);
            output(options.json === true, { id: changed.id, email: changed.email, disabled }, `${changed.email} is ${disabled ? 'disabled' : 'enabled'}.`);
          });
        }),
      );
  }

  user
    .command('reset-password')
    .description("set a user's password, end their sessions and lift a login lockout")
    .requiredOption('--email <email>', 'the user to reset')
    .option('--password <password>', 'new password (generated and printed if omitted)')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--json', 'print machine-readable output')
    .action(
      action(async (options: { email: string; password?: string; passwordStdin?: boolean; json?: boolean }) => {
        const { password, generated } = await passwordFrom(options, true);
        await withContext(async (ctx) => {
          const reset = await ctx.services.accounts.resetPassword(options.email, password, CLI_ACTOR);
          output(
            options.json === true,
            { id: reset.id, email: reset.email, ...(generated ? { password } : {}) },
            generated ? `New password for ${reset.email}: ${password}` : `Password reset for ${reset.email}; their sessions ended.`,
          );
        });
      }),
    );
}
