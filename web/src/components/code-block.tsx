import { useRef } from 'react';
import { CopyButton } from './copy-button';

interface Props {
  code: string;
  /** File name or language shown above the code. */
  title?: string;
  copyLabel?: string;
}

export function CodeBlock({ code, title, copyLabel }: Props) {
  const ref = useRef<HTMLElement>(null);
  return (
    <div className="code-block">
      <div className="code-block-header">
        <span className="code-block-title">{title}</span>
        <CopyButton text={code} selectRef={ref} label={copyLabel ?? (title ? `Copy ${title}` : 'Copy code')} />
      </div>
      <pre>
        <code ref={ref}>{code}</code>
      </pre>
    </div>
  );
}
