import { defineConfig } from 'vite';

// The daemon serves dist/ at "/". In development, `npm run dev` proxies the
// API and the socket.io endpoint to a daemon listening on 127.0.0.1:8080.
const daemon = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: daemon, changeOrigin: false },
      '/socket.io': { target: daemon, ws: true, changeOrigin: false },
    },
  },
});
