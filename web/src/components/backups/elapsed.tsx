import { useEffect, useState } from 'react';
import { formatElapsed } from '../../lib/backups';

/** A clock counting up from `since` (epoch ms), once a second. */
export function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <time className="backup-elapsed" dateTime={`PT${Math.max(0, Math.floor((now - since) / 1000))}S`}>
      {formatElapsed(now - since)}
    </time>
  );
}
