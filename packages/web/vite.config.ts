import { createRequire } from "node:module";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The API server that `npm run dev` proxies to (the server's default port). */
const apiServer = "http://127.0.0.1:8080";

/**
 * y-monaco 0.1.6 imports `monaco-editor/esm/vs/editor/editor.api.js`, a path that Monaco
 * 0.57's exports map hides. Point that exact specifier at the file, which is also what our
 * own `monaco-editor/editor/editor.api` resolves to: one Monaco instance for both.
 */
const require = createRequire(import.meta.url);
const monacoApi = require.resolve("monaco-editor/editor/editor.api");

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: [{ find: /^monaco-editor\/esm\/vs\/editor\/editor\.api\.js$/, replacement: monacoApi }],
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiServer, changeOrigin: false, ws: true },
      "/collab": { target: apiServer, ws: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // Monaco is one large lazy chunk, loaded only on the pages with code.
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: "es" },
});
