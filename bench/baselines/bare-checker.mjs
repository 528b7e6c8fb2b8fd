// Baseline for bench/uptime: a bare Node process that requests `url` for N "monitors" every
// interval on timers (each at its own phase, a fresh connection per request, like a checker), with
// no database and no bookkeeping. Prints {"total","within2s","cpuSeconds"} when `seconds` have passed.
import { get } from 'node:http';

const [url, n, intervalS, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const intervalMs = intervalS * 1000;
const start = Date.now() + 1000;
const end = start + seconds * 1000;
const cpuStart = process.cpuUsage();
let total = 0;
let within2s = 0;

function schedule(i, due) {
  if (due >= end) return;
  setTimeout(() => {
    const lag = Date.now() - due;
    total++;
    if (lag <= 2000) within2s++;
    get(url, { agent: false }, (res) => {
      res.resume();
    }).on('error', () => undefined);
    schedule(i, due + intervalMs);
  }, Math.max(0, due - Date.now()));
}

for (let i = 0; i < n; i++) schedule(i, start + Math.floor((i * intervalMs) / n));
setTimeout(() => {
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ total, within2s, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
  process.exit(0);
}, end - Date.now() + 500);
