import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API answers on the same origin (/api); `pnpm dev` proxies it to a running `pnpm start` portal.
export default defineConfig({
  base: '/',
  plugins: [react()],
  // The budget that matters is gzipped initial JavaScript (200 KB), measured by `pnpm bench`; not Rollup's raw size.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  server: { port: 5173, proxy: { '/api': 'http://localhost:3000' } },
});
