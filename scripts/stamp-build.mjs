// Marks dist/cli/main.js executable: npm links it as the `watchpost` binary.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
