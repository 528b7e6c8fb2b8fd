import type { Channel } from '../../api';
import { Badge } from '../badge';
import { Button } from '../button';
import { PencilIcon, SendIcon, TrashIcon } from '../icons';
import { RelativeTime } from '../relative-time';
import { DeliveryStatusBadge } from './delivery-status';

interface Props {
  channels: Channel[];
  /** Null when the person may only look. */
  actions: {
    onTest: (channel: Channel) => void;
    onToggle: (channel: Channel) => void;
    onEdit: (channel: Channel) => void;
    onDelete: (channel: Channel) => void;
    /** The channel whose test or toggle is running. */
    busy: string | null;
  } | null;
}

/** A project's channels: type, where they send, default and on/off, and how their last delivery went. */
export function ChannelsTable({ channels, actions }: Props) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Type</th>
            <th scope="col">State</th>
            <th scope="col">Last delivery</th>
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <tr key={channel.id} data-testid="channel-row" className={channel.enabled ? undefined : 'row-muted'}>
              <td>
                <div className="cell-primary">
                  {channel.name}
                  {channel.isDefault && (
                    <Badge tone="accent" title="Gets the alerts of monitors that don't choose their own channels">
                      Default
                    </Badge>
                  )}
                </div>
                <div className="cell-secondary mono details-cell" title={channel.target}>
                  {channel.target}
                </div>
              </td>
              <td className="nowrap">{channel.typeLabel}</td>
              <td>
                {channel.enabled ? (
                  <Badge tone="green" dot>
                    On
                  </Badge>
                ) : (
                  <Badge tone="amber" dot title={channel.disabledReason ?? undefined}>
                    Off
                  </Badge>
                )}
                {channel.disabledReason && <div className="cell-secondary channel-reason">{channel.disabledReason}</div>}
              </td>
              <td className="nowrap">
                {channel.lastDelivery ? (
                  <span className="delivery-cell" title={channel.lastDelivery.error ?? undefined}>
                    <DeliveryStatusBadge status={channel.lastDelivery.status} /> <RelativeTime ms={channel.lastDelivery.at} />
                  </span>
                ) : (
                  <span className="text-subtle">Nothing sent yet</span>
                )}
              </td>
              {actions && (
                <td className="cell-actions">
                  <Button size="sm" onClick={() => actions.onTest(channel)} pending={actions.busy === `test:${channel.id}`} aria-label={`Send test to ${channel.name}`}>
                    <SendIcon size={14} />
                    Send test
                  </Button>{' '}
                  <Button size="sm" variant="ghost" onClick={() => actions.onToggle(channel)} pending={actions.busy === `toggle:${channel.id}`}>
                    {channel.enabled ? 'Switch off' : 'Switch on'}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => actions.onEdit(channel)} aria-label={`Edit ${channel.name}`} title="Edit">
                    <PencilIcon size={14} />
                  </Button>
                  <Button size="sm" variant="ghost" className="text-danger" onClick={() => actions.onDelete(channel)} aria-label={`Delete ${channel.name}`} title="Delete">
                    <TrashIcon size={14} />
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
