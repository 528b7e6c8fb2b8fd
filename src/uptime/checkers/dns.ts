import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isDnsName } from './config-fields.js';
import { Deadline } from './deadline.js';
import { errorMessage } from './network-errors.js';
import type { CheckerDefinition } from './types.js';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA'] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/** Whether `value` is a resolver address c-ares accepts: '1.1.1.1', '1.1.1.1:5353', '::1', '[::1]:5353'. */
export function isResolverAddress(value: string): boolean {
  if (isIP(value) !== 0) return true;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return false;
  const port = Number(match[3]);
  const validHost = match[1] !== undefined ? isIP(match[1]) === 6 : isIP(match[2] ?? '') === 4;
  return validHost && port >= 1 && port <= 65_535;
}

export const dnsConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(254).refine(isDnsName, 'Must be a domain name like example.com'),
    recordType: z.enum(RECORD_TYPES).default('A'),
    expected: z.string().trim().min(1).max(1000).optional(),
    resolver: z.string().trim().refine(isResolverAddress, 'Must be an IP address, optionally with a port: 1.1.1.1, 1.1.1.1:53, [2606:4700::1111]:53').optional(),
  })
  .strict();

export type DnsConfig = z.infer<typeof dnsConfigSchema>;

/** One answer as shown (`text`) plus the parts an expected value may also equal (an MX exchange, an SRV target). */
interface Answer {
  readonly text: string;
  readonly names: readonly string[];
}

async function query(resolver: Resolver, name: string, type: RecordType): Promise<Answer[]> {
  const plain = (values: string[]): Answer[] => values.map((text) => ({ text, names: [] }));
  switch (type) {
    case 'A':
      return plain(await resolver.resolve4(name));
    case 'AAAA':
      return plain(await resolver.resolve6(name));
    case 'CNAME':
      return plain(await resolver.resolveCname(name));
    case 'NS':
      return plain(await resolver.resolveNs(name));
    case 'TXT':
      return plain((await resolver.resolveTxt(name)).map((chunks) => chunks.join('')));
    case 'MX':
      return (await resolver.resolveMx(name)).map((mx) => ({ text: `${mx.priority} ${mx.exchange}`, names: [mx.exchange] }));
    case 'SRV':
      return (await resolver.resolveSrv(name)).map((srv) => ({ text: `${srv.priority} ${srv.weight} ${srv.port} ${srv.name}`, names: [srv.name] }));
    case 'SOA': {
      const soa = await resolver.resolveSoa(name);
      return [{ text: `${soa.nsname} ${soa.hostmaster} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minttl}`, names: [soa.nsname] }];
    }
    case 'CAA':
      return (await resolver.resolveCaa(name)).map((caa) => {
        const [tag, value] = Object.entries(caa as unknown as Record<string, unknown>).find(([key]) => key !== 'critical') ?? ['', ''];
        return { text: `${caa.critical} ${tag} "${String(value)}"`, names: [String(value)] };
      });
  }
}

/** Expands an IPv6 address to eight zero-padded groups so '::1' equals '0:0:0:0:0:0:0:1'. */
function expandIPv6(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => group.padStart(4, '0')).join(':');
}

/** Comparison form: TXT exact, IPv6 expanded, names case-insensitive without the trailing dot. */
function normalize(value: string, type: RecordType): string {
  const trimmed = value.trim();
  if (type === 'TXT') return trimmed;
  if (type === 'AAAA' && isIP(trimmed) === 6) return expandIPv6(trimmed);
  return trimmed.toLowerCase().replace(/\.$/, '');
}

function preview(answers: readonly Answer[]): string {
  const shown = answers.slice(0, 3).map((a) => (a.text.length > 80 ? `${a.text.slice(0, 77)}...` : a.text));
  return shown.join(', ') + (answers.length > 3 ? ` (+${answers.length - 3} more)` : '');
}

function describeDnsError(error: unknown, config: DnsConfig, timeoutMs: number): string {
  const server = config.resolver ?? 'system resolver';
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  switch (code) {
    case 'ENOTFOUND':
      return `${config.name} does not exist (NXDOMAIN)`;
    case 'ENODATA':
      return `No ${config.recordType} records for ${config.name}`;
    case 'ETIMEOUT':
      return `Timed out after ${timeoutMs} ms waiting for ${server}`;
    case 'ECONNREFUSED':
      return `Connection refused by DNS server (${server})`;
    case 'ESERVFAIL':
      return `DNS server failed to answer (SERVFAIL from ${server})`;
    case 'EREFUSED':
      return `DNS server refused the query (REFUSED from ${server})`;
    case 'EBADRESP':
    case 'EFORMERR':
      return `Malformed DNS response from ${server}`;
  }
  return `DNS error: ${errorMessage(error)}`;
}

/** DNS record: resolves through the system or a given resolver; optionally requires an expected answer. */
export const dnsChecker: CheckerDefinition<DnsConfig> = {
  type: 'dns',
  label: 'DNS record',
  configSchema: dnsConfigSchema,
  secretFields: [],
  describe: (config) => `${config.recordType} ${config.name}${config.resolver ? ` @ ${config.resolver}` : ''}`,
  async check(config, context) {
    const deadline = new Deadline(context);
    const resolver = new Resolver({ timeout: context.timeoutMs, tries: 1 });
    if (config.resolver) resolver.setServers([config.resolver]);
    try {
      const answers = await deadline.run<Answer[]>((resolve, reject) => {
        query(resolver, config.name, config.recordType).then(resolve, reject);
        return () => resolver.cancel();
      });
      const latencyMs = deadline.elapsedMs();
      const details = { answers: answers.map((a) => a.text) };
      const type = config.recordType;
      if (answers.length === 0) return { status: 'down', latencyMs, message: `No ${type} records for ${config.name}`, details };
      if (config.expected !== undefined) {
        const wanted = normalize(config.expected, type);
        const found = answers.some((a) => [a.text, ...a.names].some((value) => normalize(value, type) === wanted));
        if (!found) return { status: 'down', latencyMs, message: `Expected "${config.expected}" not among the ${type} records: ${preview(answers)}`, details };
        return { status: 'up', latencyMs, message: `${type} record "${config.expected}" found in ${latencyMs} ms`, details };
      }
      const count = answers.length === 1 ? `1 ${type} record` : `${answers.length} ${type} records`;
      return { status: 'up', latencyMs, message: `Resolved ${count} in ${latencyMs} ms: ${preview(answers)}`, details };
    } catch (error) {
      return { status: 'down', latencyMs: null, message: deadline.aborted ? deadline.abortMessage() : describeDnsError(error, config, context.timeoutMs) };
    } finally {
      deadline.dispose();
    }
  },
};
