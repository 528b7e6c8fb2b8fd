import type { Kysely } from 'kysely';
import type { TokenHasher } from '../lib/crypto.js';
import { safeEqual } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { randomToken } from '../lib/ids.js';
import type { OrgsService } from '../orgs/service.js';
import type { Organization } from '../orgs/types.js';
import type { Database } from '../storage/schema.js';
import * as repo from './repo.js';
import type { AccountsService } from './service.js';
import type { SessionRow, UserRow } from './types.js';

const SETUP_KEY = 'setup_token_hash';

export interface SetupInput {
  readonly token: string;
  readonly email: string;
  readonly name?: string;
  readonly password: string;
  readonly orgName: string;
}

/** What a starting node should tell the operator. */
export type BootstrapOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'admin-created'; readonly email: string }
  | { readonly kind: 'setup-needed'; readonly token: string };

/**
 * First-run set-up. With WATCHPOST_ADMIN_EMAIL/PASSWORD the first admin is created at start;
 * otherwise the node prints a one-time setup URL, and whoever has the server's log creates the
 * first admin in the browser. Nobody else can: the URL carries a secret token.
 */
export class SetupService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly accounts: AccountsService,
    private readonly orgs: OrgsService,
    private readonly hasher: TokenHasher,
  ) {}

  async needsSetup(): Promise<boolean> {
    return (await this.accounts.countUsers()) === 0;
  }

  /** Runs at start: creates the configured admin, or issues a setup token, or does nothing. */
  async bootstrap(admin: { email: string; password: string } | null): Promise<BootstrapOutcome> {
    if (!(await this.needsSetup())) return { kind: 'ready' };
    if (admin) {
      try {
        await this.createFirstAdmin(admin.email, undefined, admin.password, 'Default');
      } catch (error) {
        // Another node starting at the same moment created it first: that's fine.
        if (await this.needsSetup()) throw error;
      }
      return { kind: 'admin-created', email: admin.email.toLowerCase() };
    }
    const token = randomToken(32);
    await repo.setSetting(this.db, SETUP_KEY, this.hasher.hash(token), Date.now());
    return { kind: 'setup-needed', token };
  }

  private async createFirstAdmin(
    email: string,
    name: string | undefined,
    password: string,
    orgName: string,
    guard?: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<{ user: UserRow; org: Organization }> {
    const prepared = await this.accounts.prepareUser({ email, name, password, isAdmin: true });
    return this.db.transaction().execute(async (trx) => {
      await guard?.(trx);
      const user = await this.accounts.createUser(prepared, null, trx);
      const org = await this.orgs.create(orgName, user.id, { userId: user.id, label: user.email, ip: null }, trx);
      return { user, org };
    });
  }

  /** Completes browser set-up: checks the token, creates the admin and organisation, logs them in. */
  async complete(input: SetupInput, ip: string | null, userAgent: string | null): Promise<{ user: UserRow; org: Organization; token: string; session: SessionRow }> {
    if (!(await this.needsSetup())) throw fail('WP_ERR_SETUP_DONE');
    const stored = await repo.getSetting(this.db, SETUP_KEY);
    const hash = this.hasher.hash(input.token);
    if (stored === undefined || !safeEqual(stored, hash)) throw fail('WP_ERR_SETUP_TOKEN');
    // Consuming the token inside the transaction makes set-up happen once even if two browsers race.
    const { user, org } = await this.createFirstAdmin(input.email, input.name, input.password, input.orgName, async (trx) => {
      if (!(await repo.deleteSettingIfValue(trx, SETUP_KEY, hash))) throw fail('WP_ERR_SETUP_DONE');
    });
    const { token, session } = await this.accounts.createSession(user, ip, userAgent);
    const now = Date.now();
    await repo.updateUser(this.db, user.id, { last_login_at: now });
    return { user: { ...user, last_login_at: now }, org, token, session };
  }
}
