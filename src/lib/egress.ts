import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where Watchpost's own outgoing requests (notification webhooks, uptime checks) may not go.
 *
 * A member who can create a webhook channel or an HTTP monitor chooses the URL Watchpost fetches,
 * so on a cloud VM they could point it at the instance-metadata service (169.254.169.254 and
 * friends) and read the VM's credentials through the delivery log or a keyword check. Those
 * addresses are refused by default, checked on the address actually connected to (after DNS, so a
 * name that resolves there is refused too, as is every redirect hop). Private and loopback
 * addresses stay allowed: monitoring and notifying services on the same network is what a
 * self-hosted tool is for. `WATCHPOST_EGRESS_ALLOW_LINK_LOCAL=true` lifts the block.
 */

const blocked = new BlockList();
// IPv4 link-local: the metadata endpoint of AWS, GCP, Azure, DigitalOcean, Oracle, OpenStack.
blocked.addSubnet('169.254.0.0', 16, 'ipv4');
// "This network": 0.0.0.0 reaches the local host on Linux without looking like it.
blocked.addSubnet('0.0.0.0', 8, 'ipv4');
// Alibaba Cloud's metadata endpoint.
blocked.addAddress('100.100.100.200', 'ipv4');
// IPv6 link-local, and AWS's IPv6 metadata endpoint.
blocked.addSubnet('fe80::', 10, 'ipv6');
blocked.addAddress('::', 'ipv6');
blocked.addAddress('fd00:ec2::254', 'ipv6');

// Set from the parsed config by the server's context and by every CLI command (cli/context.ts).
let allowLinkLocal = false;

/** Set once at start-up from WATCHPOST_EGRESS_ALLOW_LINK_LOCAL. */
export function configureEgress(options: { readonly allowLinkLocal: boolean }): void {
  allowLinkLocal = options.allowLinkLocal;
}

export class EgressBlockedError extends Error {
  readonly code = 'EGRESS_BLOCKED';
  constructor(readonly address: string) {
    super(`${address} is a link-local, cloud-metadata or unspecified address; Watchpost does not connect there (set WATCHPOST_EGRESS_ALLOW_LINK_LOCAL=true to allow it)`);
    this.name = 'EgressBlockedError';
  }
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:169.254.169.254`, `::ffff:a9fe:a9fe`) or
 * a NAT64 one of the well-known prefix (`64:ff9b::a9fe:a9fe`), else null.
 */
function mappedIpv4(address: string): string | null {
  // The URL parser canonicalises every spelling (`[::ffff:a9fe:a9fe]`, `[64:ff9b::a9fe:a9fe]`).
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname;
  } catch {
    return null;
  }
  const hex = /^\[(?:::ffff|64:ff9b:):([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(canonical);
  if (!hex?.[1] || !hex[2]) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** True when Watchpost must not connect to this IP address (as a string, brackets allowed). */
export function isBlockedAddress(raw: string): boolean {
  if (allowLinkLocal) return false;
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(address);
    return v4 ? blocked.check(v4, 'ipv4') : blocked.check(address, 'ipv6');
  }
  return false;
}

/** Throws EgressBlockedError when `host` (a URL hostname or socket host) is a blocked IP literal. */
export function assertHostAllowed(host: string): void {
  if (isBlockedAddress(host)) throw new EgressBlockedError(host.replace(/^\[|\]$/g, ''));
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup that drops blocked addresses from the answer and fails with EgressBlockedError when
 * nothing is left. For the `lookup` option of net/tls/http(s) and undici's `connect`. Node skips
 * `lookup` for IP literals, so callers also check the host itself ({@link assertHostAllowed}).
 */
export function guardedLookup(hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback): void {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  const opts: LookupOptions = typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {};
  dnsLookup(hostname, { ...opts, all: true }, (error, addresses) => {
    if (error) return cb(error, opts.all ? [] : '');
    const allowed = addresses.filter((a) => !isBlockedAddress(a.address));
    const first = addresses[0];
    if (allowed.length === 0 && first) return cb(new EgressBlockedError(first.address), opts.all ? [] : '');
    if (opts.all) return cb(null, allowed);
    const pick = allowed[0];
    if (!pick) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '');
    cb(null, pick.address, pick.family);
  });
}
