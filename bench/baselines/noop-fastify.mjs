// Baseline for startup: the smallest Fastify server, started the same way Watchpost is.
import Fastify from 'fastify';

const app = Fastify();
app.get('/health', () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
