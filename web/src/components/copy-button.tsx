import { useEffect, useRef, useState, type RefObject } from 'react';
import { copyText, selectContents } from '../lib/clipboard';
import { CheckIcon, CopyIcon } from './icons';

interface Props {
  text: string;
  /** What is copied, for screen readers: "Copy DSN". */
  label?: string;
  /** Element whose text gets selected when the browser refuses to copy, so Ctrl/⌘+C still works. */
  selectRef?: RefObject<HTMLElement | null>;
  className?: string;
}

export function CopyButton({ text, label = 'Copy', selectRef, className }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onClick = async () => {
    const ok = await copyText(text);
    if (!ok && selectRef?.current) selectContents(selectRef.current);
    setState(ok ? 'copied' : 'manual');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };

  return (
    <button type="button" className={`btn btn-sm btn-ghost copy-button ${className ?? ''}`} onClick={onClick} aria-label={label} title={label}>
      {state === 'copied' ? <CheckIcon className="text-success" /> : <CopyIcon />}
      <span className="copy-button-text" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'manual' ? 'Press Ctrl+C' : 'Copy'}
      </span>
    </button>
  );
}
