import { useState } from 'react';
import { frameLocation, type EventException, type EventFrame } from '../../lib/sentry-event';
import { Badge } from '../badge';
import { ChevronDownIcon, ChevronRightIcon } from '../icons';

/** The exceptions of an event, newest first (the one that surfaced), each with its stack trace. */
export function ExceptionChain({ exceptions }: { exceptions: EventException[] }) {
  return (
    <div className="stack">
      {exceptions.map((exception, index) => (
        <div key={index} className="exception">
          {index > 0 && <div className="exception-cause text-muted">Caused by</div>}
          <div className="exception-head">
            <h3 className="exception-type">{exception.type ?? 'Error'}</h3>
            {exception.mechanism?.handled === false && (
              <Badge tone="red" title={exception.mechanism.type ? `Mechanism: ${exception.mechanism.type}` : undefined}>
                Unhandled
              </Badge>
            )}
            {exception.mechanism?.handled === true && (
              <Badge tone="neutral" title={exception.mechanism.type ? `Mechanism: ${exception.mechanism.type}` : undefined}>
                Handled
              </Badge>
            )}
            {exception.mechanism?.type && <span className="chip mono">{exception.mechanism.type}</span>}
          </div>
          {exception.value && <pre className="exception-value">{exception.value}</pre>}
          {exception.frames.length > 0 ? <StackTrace frames={exception.frames} /> : <p className="text-subtle">No stack trace was sent with this exception.</p>}
        </div>
      ))}
    </div>
  );
}

type Group = { kind: 'app'; frame: EventFrame; index: number } | { kind: 'system'; frames: { frame: EventFrame; index: number }[] };

/**
 * Frames most recent call first. In-app frames show their code; runs of library frames fold into
 * one "n library frames" toggle. Without any in-app frame (old SDKs don't say), all frames show and
 * the one that threw is expanded.
 */
export function StackTrace({ frames }: { frames: EventFrame[] }) {
  const ordered = frames.map((frame, index) => ({ frame, index })).reverse();
  const anyInApp = frames.some((frame) => frame.inApp === true);
  const groups: Group[] = [];
  for (const item of ordered) {
    if (!anyInApp || item.frame.inApp === true) groups.push({ kind: 'app', ...item });
    else {
      const previous = groups.at(-1);
      if (previous?.kind === 'system') previous.frames.push(item);
      else groups.push({ kind: 'system', frames: [item] });
    }
  }
  // The frame that threw: the first in-app one, or without in-app information the very first.
  const topIndex = ordered.find((item) => !anyInApp || item.frame.inApp === true)?.index;

  return (
    <ol className="frames" aria-label="Stack trace, most recent call first">
      {groups.map((group) =>
        group.kind === 'app' ? (
          <Frame key={group.index} frame={group.frame} initiallyOpen={anyInApp || group.index === topIndex} />
        ) : (
          <SystemFrames key={group.frames[0]?.index ?? 0} frames={group.frames} />
        ),
      )}
    </ol>
  );
}

function SystemFrames({ frames }: { frames: { frame: EventFrame; index: number }[] }) {
  const [open, setOpen] = useState(false);
  const count = frames.length;
  return (
    <>
      <li className="frame-toggle-row">
        <button type="button" className="frame-toggle" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
          {open ? <ChevronDownIcon size={14} /> : <ChevronRightIcon size={14} />}
          {open ? 'Hide' : 'Show'} {count} library {count === 1 ? 'frame' : 'frames'}
        </button>
      </li>
      {open && frames.map((item) => <Frame key={item.index} frame={item.frame} initiallyOpen={false} />)}
    </>
  );
}

function hasContext(frame: EventFrame): boolean {
  return frame.contextLine !== null || frame.preContext.length > 0 || frame.postContext.length > 0 || frame.vars !== null;
}

function Frame({ frame, initiallyOpen }: { frame: EventFrame; initiallyOpen: boolean }) {
  const expandable = hasContext(frame);
  const [open, setOpen] = useState(initiallyOpen && expandable);
  const location = frameLocation(frame);
  const head = (
    <>
      <span className="frame-file" title={frame.absPath ?? undefined}>
        {location}
      </span>
      {frame.function && (
        <>
          <span className="text-subtle"> in </span>
          <span className="frame-function">{frame.function}</span>
        </>
      )}
      {frame.lineno !== null && (
        <>
          <span className="text-subtle"> at line </span>
          <span className="frame-line">
            {frame.lineno}
            {frame.colno !== null ? `:${frame.colno}` : ''}
          </span>
        </>
      )}
      {frame.inApp === true && <span className="frame-app">In app</span>}
    </>
  );
  return (
    <li className={`frame ${frame.inApp === true ? 'frame-in-app' : 'frame-system'}`}>
      {expandable ? (
        <button type="button" className="frame-head" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
          {open ? <ChevronDownIcon size={14} className="frame-chevron" /> : <ChevronRightIcon size={14} className="frame-chevron" />}
          <span className="frame-head-text">{head}</span>
        </button>
      ) : (
        <div className="frame-head frame-head-static">
          <span className="frame-chevron-space" aria-hidden="true" />
          <span className="frame-head-text">{head}</span>
        </div>
      )}
      {open && <FrameContext frame={frame} />}
    </li>
  );
}

function FrameContext({ frame }: { frame: EventFrame }) {
  const line = frame.lineno;
  const rows: { number: number | null; text: string; current: boolean }[] = [];
  frame.preContext.forEach((text, i) => rows.push({ number: line === null ? null : line - frame.preContext.length + i, text, current: false }));
  if (frame.contextLine !== null) rows.push({ number: line, text: frame.contextLine, current: true });
  frame.postContext.forEach((text, i) => rows.push({ number: line === null ? null : line + 1 + i, text, current: false }));
  return (
    <div className="frame-body">
      {rows.length > 0 && (
        <pre className="frame-code">
          {rows.map((row, index) => (
            <div key={index} className={`code-line ${row.current ? 'code-line-current' : ''}`} aria-current={row.current ? 'true' : undefined}>
              <span className="code-line-number" aria-hidden="true">
                {row.number ?? ''}
              </span>
              <code className="code-line-text">{row.text || ' '}</code>
            </div>
          ))}
        </pre>
      )}
      {frame.vars && (
        <table className="kv-table frame-vars">
          <caption className="visually-hidden">Local variables</caption>
          <tbody>
            {Object.entries(frame.vars).map(([key, value]) => (
              <tr key={key}>
                <th scope="row" className="mono">
                  {key}
                </th>
                <td className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
