import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const PORTAL = 'http://localhost:3000';

/**
 * The Vite configuration of both SPAs. `base` is where the portal serves the app (`/` or `/admin/`). `vite dev`
 * proxies `/api` to a running `pnpm start` portal, presenting the portal's own Origin, which its CSRF check requires
 * (the CSRF token is still checked).
 */
export function portalViteConfig(options: { base: string; devPort: number }): UserConfig {
  return defineConfig({
    base: options.base,
    plugins: [react()],
    // The budget that matters is gzipped initial JavaScript (200 KB), measured by `pnpm bench`, not the raw size.
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 800 },
    server: { port: options.devPort, proxy: { '/api': { target: PORTAL, headers: { origin: PORTAL } } } },
  });
}
