/** Platform hints a project can carry; they pick the set-up snippet shown first. */
export const PLATFORMS = [
  { value: 'node', label: 'Node.js' },
  { value: 'nextjs', label: 'Next.js' },
  { value: 'browser', label: 'Browser JavaScript' },
  { value: 'other', label: 'Other' },
] as const;

export type PlatformId = (typeof PLATFORMS)[number]['value'];

export function platformLabel(platform: string | null): string {
  return PLATFORMS.find((candidate) => candidate.value === platform)?.label ?? platform ?? 'No platform';
}
