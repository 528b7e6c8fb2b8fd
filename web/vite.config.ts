import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:web` talks to a Watchpost server started separately (npm start).
const server = process.env['WATCHPOST_DEV_API'] ?? 'http://localhost:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    // outDir lies outside root, so Vite only empties it when told to.
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // React and the router change far less often than the app: a separate chunk stays cached across releases.
        codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] },
      },
    },
  },
  server: {
    port: 5173,
    // The Host header is left as-is so the server's same-origin check accepts the dev origin.
    proxy: {
      '/api': { target: server },
      '/metrics': { target: server },
    },
  },
});
