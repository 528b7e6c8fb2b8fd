import type { ButtonHTMLAttributes } from 'react';
import { Spinner } from './spinner';

interface Props extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  size?: 'sm' | 'md';
  /** Disables the button and shows a spinner; the label stays so its accessible name is stable. */
  pending?: boolean;
}

export function Button({ variant = 'secondary', size = 'md', pending = false, className, children, disabled, type = 'button', ...rest }: Props) {
  return (
    <button
      type={type}
      className={`btn btn-${variant} ${size === 'sm' ? 'btn-sm' : ''} ${className ?? ''}`}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending && <Spinner size={14} />}
      {children}
    </button>
  );
}
