import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const PORTAL = 'http://localhost:3000';

/**
 * The Vite configuration of both SPAs. `base` is where the portal serves the app (`/` or `/admin/`). `vite dev`
 * proxies `/api` to a running `pnpm start` portal, presenting the portal's own Origin, which its CSRF check requires
 * (the CSRF token is still checked).
 */
export function portalViteConfig(options: { base: string; devPort: number }): UserConfig {
  return defineConfig({
    base: options.base,
    // Brotli and gzip copies of every asset next to it, for servers that send them as they are (the registration
    // service's static hosting with preCompressed; nginx could with gzip_static/brotli_static).
    plugins: [react(), compression({ algorithms: ['brotliCompress', 'gzip'], exclude: [/\.map$/], threshold: 1024 })],
    // The budget that matters is gzipped initial JavaScript (200 KB), measured by `pnpm bench`, not the raw size.
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 800 },
    server: { port: options.devPort, proxy: { '/api': { target: PORTAL, headers: { origin: PORTAL } } } },
  });
}
