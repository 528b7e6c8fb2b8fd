// Baseline for the benchmarks: the smallest Fastify server, started the same way Watchpost is.
// GET /health for startup; POST /api/:projectId/envelope/ reads the body and discards it, the
// floor for errors.bench.ts (no auth, no decompression, no parsing, no database).
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 20 * 1024 * 1024 });
app.get('/health', () => ({ ok: true }));
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/api/:projectId/envelope/', () => ({ id: null }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
