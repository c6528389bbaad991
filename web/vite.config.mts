import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Everything the dashboard loads is bundled here and served by AutoHub itself: no CDN.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: true, chunkSizeWarningLimit: 1024 },
});
