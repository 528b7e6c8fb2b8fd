import { useState } from 'react';
import { api, type OrgWithRole } from '../api';
import { EmptyState } from '../components/empty-state';
import { KeyIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { CreateTokenForm } from '../components/tokens/create-token-form';
import { NewTokenCallout } from '../components/tokens/new-token-callout';
import { TokensTable } from '../components/tokens/tokens-table';
import { useApi } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function TokensPage({ org }: { org: OrgWithRole }) {
  useDocumentTitle('API tokens', org.name);
  const tokens = useApi(`/orgs/${org.id}/tokens`, (signal) => api.tokens(org.id, signal));
  const [secret, setSecret] = useState<string | null>(null);
  const seesAll = roleAtLeast(org.role, NEEDS.memberManage);

  return (
    <div className="page">
      <PageHeader
        title="API tokens"
        description={
          <>
            For scripts and CI: send <code>Authorization: Bearer &lt;token&gt;</code>. Tokens act for {org.name} only.
          </>
        }
      />
      <div className="stack-lg">
        <Section title="Create a token">
          {secret ? <NewTokenCallout secret={secret} onDone={() => setSecret(null)} /> : <CreateTokenForm org={org} onCreated={(value) => {
            setSecret(value);
            void tokens.reload();
          }} />}
        </Section>
        <Section title="Tokens" description={seesAll ? 'Every token in this organisation.' : 'Your tokens in this organisation. Admins see everyone’s.'} flush>
          {tokens.error && <LoadError error={tokens.error} onRetry={() => void tokens.reload()} />}
          {tokens.loading && <Loading />}
          {tokens.data && tokens.data.items.length === 0 && (
            <EmptyState icon={<KeyIcon size={22} />} title="No tokens yet">
              Create a token above to call the API from scripts, CI or the command line.
            </EmptyState>
          )}
          {tokens.data && tokens.data.items.length > 0 && <TokensTable org={org} tokens={tokens.data.items} onChanged={() => void tokens.reload()} />}
        </Section>
      </div>
    </div>
  );
}
