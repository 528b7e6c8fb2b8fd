import { useEffect } from 'react';

/** Sets the tab title: "Projects · Acme · Watchpost". */
export function useDocumentTitle(...parts: (string | null | undefined)[]): void {
  const title = [...parts.filter((part): part is string => Boolean(part)), 'Watchpost'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
