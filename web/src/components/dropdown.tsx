import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

interface Props {
  /** Content of the trigger button; its text is the button's accessible name. */
  trigger: ReactNode;
  triggerClassName?: string;
  triggerTitle?: string;
  align?: 'start' | 'end';
  placement?: 'below' | 'above';
  /** Items: `.dropdown-item` buttons or links; call `close` after acting. */
  children: (close: () => void) => ReactNode;
  disabled?: boolean;
}

const ITEMS = '.dropdown-item:not(:disabled)';

/**
 * A disclosure that opens a panel of actions. Plain buttons and links inside (not ARIA menu
 * items), so they keep their usual roles; arrow keys still move between them.
 */
export function Dropdown({ trigger, triggerClassName, triggerTitle, align = 'start', placement = 'below', children, disabled = false }: Props) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const openedByKey = useRef(false);
  const panelId = useId();

  const close = (refocus = false) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    if (openedByKey.current) panelRef.current?.querySelector<HTMLElement>(ITEMS)?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (!open) {
      openedByKey.current = true;
      setOpen(true);
      return;
    }
    const items = [...(panelRef.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const next = event.key === 'ArrowDown' ? (index + 1) % items.length : (index - 1 + items.length) % items.length;
    items[next]?.focus();
  };

  return (
    <div className="dropdown" ref={rootRef} onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        className={triggerClassName ?? 'btn btn-ghost'}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        title={triggerTitle}
        disabled={disabled}
        onClick={(event) => {
          // detail 0 means keyboard activation (Enter/Space): then focus goes into the panel.
          openedByKey.current = event.detail === 0;
          setOpen((value) => !value);
        }}
      >
        {trigger}
      </button>
      {open && (
        <div id={panelId} ref={panelRef} className={`dropdown-panel dropdown-${align} dropdown-${placement}`}>
          {children(() => close(false))}
        </div>
      )}
    </div>
  );
}
