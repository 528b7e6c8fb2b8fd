import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { api, errorMessage, type Channel, type Delivery, type Items, type OrgWithRole, type Project } from '../api';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyState } from '../components/empty-state';
import { FormError } from '../components/form-error';
import { BellIcon, PlusIcon } from '../components/icons';
import { LoadError, Loading } from '../components/loading';
import { ChannelDialog } from '../components/notifications/channel-dialog';
import { ChannelsTable } from '../components/notifications/channels-table';
import { DeliveryLog } from '../components/notifications/delivery-log';
import { TestResult } from '../components/notifications/test-result';
import { PageHeader } from '../components/page-header';
import { Section } from '../components/section';
import { Tabs } from '../components/tabs';
import { WithProject } from '../components/with-project';
import { useApi, type ApiState } from '../hooks/use-api';
import { useDocumentTitle } from '../hooks/use-document-title';
import { NEEDS, roleAtLeast } from '../lib/roles';

export function NotificationsPage({ org }: { org: OrgWithRole }) {
  return <WithProject org={org}>{(project) => <Notifications org={org} project={project} />}</WithProject>;
}

function Notifications({ org, project }: { org: OrgWithRole; project: Project }) {
  useDocumentTitle('Notifications', project.name, org.name);
  const [location, navigate] = useLocation();
  const view = new URLSearchParams(useSearch()).get('view') === 'log' ? 'log' : 'channels';
  const canManage = roleAtLeast(org.role, NEEDS.monitorManage);
  const channels = useApi(`/projects/${project.id}/channels`, (signal) => api.channels(project.id, signal));

  return (
    <div className="page page-wide">
      <PageHeader title="Notifications" description={`Where ${project.name}'s alerts go — Slack, email, webhooks, PagerDuty and more — and what was sent.`} />
      <Tabs
        label="Channels and delivery log"
        value={view}
        onChange={(next) => navigate(next === 'log' ? `${location}?view=log` : location)}
        tabs={[
          { id: 'channels', label: 'Channels', content: <Channels project={project} canManage={canManage} channels={channels} /> },
          {
            id: 'log',
            label: 'Delivery log',
            content: <DeliveryLog projectId={project.id} channels={channels.data?.items ?? []} canRetry={canManage} />,
          },
        ]}
      />
    </div>
  );
}

interface ChannelsProps {
  project: Project;
  canManage: boolean;
  channels: ApiState<Items<Channel>>;
}

function Channels({ project, canManage, channels }: ChannelsProps) {
  const types = useApi('/notify/channel-types', (signal) => api.channelTypes(signal));
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<{ channelName: string; delivery: Delivery | null; error: string | null } | null>(null);
  const items = channels.data?.items ?? [];

  const replace = (channel: Channel) =>
    channels.mutate((current) => {
      const list = current?.items ?? [];
      // A single channel's reply (PATCH) leaves out the last delivery, which only the list computes.
      const merged = (previous: Channel) => ({ ...channel, lastDelivery: channel.lastDelivery ?? previous.lastDelivery });
      return { items: list.some((c) => c.id === channel.id) ? list.map((c) => (c.id === channel.id ? merged(c) : c)) : [...list, channel] };
    });
  const run = async (key: string, work: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };
  const sendTest = (channel: Channel) =>
    run(`test:${channel.id}`, async () => {
      setTest(null);
      try {
        setTest({ channelName: channel.name, delivery: await api.testChannel(channel.id), error: null });
      } catch (caught) {
        setTest({ channelName: channel.name, delivery: null, error: errorMessage(caught) });
      }
      await channels.reload();
    });
  const toggle = (channel: Channel) => run(`toggle:${channel.id}`, async () => replace(await api.updateChannel(channel.id, { enabled: !channel.enabled })));

  return (
    <Section
      title="Channels"
      description="Default channels get every alert of monitors that don't name their own. A test message shows whether a channel works."
      flush
      actions={
        canManage && (
          <Button size="sm" onClick={() => setEditing('new')} disabled={!types.data}>
            <PlusIcon size={14} />
            Add channel
          </Button>
        )
      }
    >
      {channels.error && <LoadError error={channels.error} onRetry={() => void channels.reload()} />}
      {types.error && <LoadError error={types.error} onRetry={() => void types.reload()} />}
      {channels.loading && <Loading />}
      <FormError error={error} />
      {test && (
        <div className="section-notice">
          <TestResult {...test} onClose={() => setTest(null)} />
        </div>
      )}
      {channels.data && items.length === 0 && (
        <EmptyState
          icon={<BellIcon size={22} />}
          title="No notification channels yet"
          action={
            canManage && (
              <Button variant="primary" onClick={() => setEditing('new')} disabled={!types.data}>
                Add a channel
              </Button>
            )
          }
        >
          Add Slack, Discord, Microsoft Teams, email, Telegram, PagerDuty, ntfy, Pushover or a signed webhook: monitors alert them when something goes down and when it
          recovers.
        </EmptyState>
      )}
      {items.length > 0 && (
        <ChannelsTable
          channels={items}
          actions={canManage ? { onTest: (c) => void sendTest(c), onToggle: (c) => void toggle(c), onEdit: setEditing, onDelete: setDeleting, busy } : null}
        />
      )}
      {types.data && (
        <ChannelDialog
          open={editing !== null}
          onClose={() => setEditing(null)}
          projectId={project.id}
          types={types.data.items}
          channel={editing === 'new' ? null : editing}
          onSaved={replace}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'channel'}?`}
        confirmLabel="Delete channel"
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteChannel(deleting.id);
          channels.mutate((current) => ({ items: (current?.items ?? []).filter((c) => c.id !== deleting.id) }));
        }}
      >
        It gets no more alerts and its delivery log is deleted. Monitors that chose only this channel will alert nobody.
      </ConfirmDialog>
    </Section>
  );
}
