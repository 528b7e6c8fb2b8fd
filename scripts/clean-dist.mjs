// Removes compiled server output (not the web build) so deleted sources don't linger in dist/.
import { rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
let entries = [];
try {
  entries = readdirSync(dist);
} catch {
  process.exit(0);
}
for (const entry of entries) {
  if (entry !== 'web') rmSync(join(dist, entry), { recursive: true, force: true });
}
