// Vite build of the admin console: static files in dist/ui, served by the gateway at /ui/.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env.ROUTEIQ_GATEWAY_URL || 'http://127.0.0.1:4000';
// Every path the console calls: the dev server forwards them to a running gateway.
const API_PREFIXES = [
  '/v1',
  '/key',
  '/team',
  '/audit',
  '/spend',
  '/router',
  '/strategy',
  '/config',
  '/metrics',
  '/_health',
  '/llmrouter',
  '/a2a',
];

export default defineConfig({
  root,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Keep every asset a file: the gateway's CSP allows no inline data but images.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(API_PREFIXES.map((prefix) => [prefix, { target: gateway }])),
  },
});
