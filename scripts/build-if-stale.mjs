// Builds the server and/or the dashboard only when their sources are newer than the build output,
// so `npm start` after `npm ci` builds once and later starts are instant.
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function oldestOutput(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

const lock = newestMtime(join(root, 'package-lock.json'));
const serverSrc = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'tsconfig.build.json')), lock);
const webSrc = Math.max(newestMtime(join(root, 'web')), lock);

if (oldestOutput(join(root, 'dist/cli/main.js')) < serverSrc) {
  console.log('watchpost: building the server (tsc)…');
  execSync('npm run --silent build:server', { cwd: root, stdio: 'inherit' });
}
if (oldestOutput(join(root, 'dist/web/index.html')) < webSrc) {
  console.log('watchpost: building the dashboard (vite)…');
  execSync('npm run --silent build:web', { cwd: root, stdio: 'inherit' });
}
