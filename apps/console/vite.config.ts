import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is a static page: `vite build` writes dist/, which `npm start` serves beside the
// services' APIs (tools/dev/console-server.ts). Workspace libraries resolve to their sources.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@jsjb/source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
