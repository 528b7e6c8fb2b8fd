import { CopyButton } from '../copy-button';
import { ExternalLinkIcon } from '../icons';

/** A public address with a copy button and a link that opens it in a new tab. */
export function PublicLink({ url, label = 'public URL' }: { url: string; label?: string }) {
  return (
    <span className="public-link">
      <a href={url} target="_blank" rel="noreferrer" className="public-link-url mono" title={`Open ${url} in a new tab`}>
        {url}
        <ExternalLinkIcon size={12} />
      </a>
      <CopyButton text={url} label={`Copy ${label}`} />
    </span>
  );
}
