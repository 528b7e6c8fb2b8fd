import type { IssueEvent } from '../../api';
import { ChevronLeftIcon, ChevronRightIcon, ChevronsLeftIcon, ChevronsRightIcon } from '../icons';

interface Props {
  event: IssueEvent;
  /** Opens another event: an id, or "latest" / "oldest". */
  onGo: (eventId: string) => void;
}

/** Oldest · older · newer · latest, through the issue's events. */
export function EventNavigator({ event, onGo }: Props) {
  const older = event.previousEventId;
  const newer = event.nextEventId;
  return (
    <div className="event-nav" role="group" aria-label="Events of this issue">
      <button type="button" className="btn btn-sm" disabled={older === null} onClick={() => onGo('oldest')} title="Oldest event">
        <ChevronsLeftIcon size={14} />
        <span className="visually-hidden">Oldest</span>
      </button>
      <button type="button" className="btn btn-sm" disabled={older === null} onClick={() => older && onGo(older)}>
        <ChevronLeftIcon size={14} />
        Older
      </button>
      <button type="button" className="btn btn-sm" disabled={newer === null} onClick={() => newer && onGo(newer)}>
        Newer
        <ChevronRightIcon size={14} />
      </button>
      <button type="button" className="btn btn-sm" disabled={newer === null} onClick={() => onGo('latest')} title="Latest event">
        <span className="visually-hidden">Latest</span>
        <ChevronsRightIcon size={14} />
      </button>
    </div>
  );
}
