import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API answers on the same origin (/api); `pnpm dev` proxies it to a running `pnpm start` portal.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { port: 5173, proxy: { '/api': 'http://localhost:3000' } },
});
