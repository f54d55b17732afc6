import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web UI: Preact through Vite's own JSX transform, built into ui/dist, which the server
// serves as static files. No inline scripts or styles are emitted (the server's CSP forbids
// inline scripts), and the module-preload polyfill (an inline script) is off.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
});
