import { createRequire } from "node:module";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./vite-precompress.ts";

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
  plugins: [react(), tailwindcss(), precompress()],
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
    rolldownOptions: {
      output: {
        // Named vendor chunks: the app shell (React) up front; collaboration and the editor
        // only on session pages.
        codeSplitting: {
          groups: [
            {
              // Zod with its configuration (src/zod-jitless.ts) in one chunk that every schema's
              // chunk imports: `jitless` is set before any schema exists, whatever the chunk order.
              name: "zod",
              test: /node_modules[\\/]zod[\\/]|src[\\/]zod-jitless\.ts$/,
              priority: 4,
            },
            {
              // Vite's preload helper rides with React, so no lazy chunk becomes a dependency of the shell.
              name: "react",
              test: /node_modules[\\/](react|react-dom|react-router|scheduler|cookie|set-cookie-parser)[\\/]|preload-helper/,
              priority: 3,
            },
            {
              name: "collab",
              test: /node_modules[\\/](yjs|y-protocols|lib0|@hocuspocus|@lifeomic)[\\/]/,
              priority: 2,
            },
            {
              name: "xterm",
              test: /node_modules[\\/]@xterm[\\/]/,
              priority: 1,
            },
            {
              name: "monaco",
              test: /node_modules[\\/](monaco-editor|y-monaco|dompurify|marked)[\\/]/,
              priority: 1,
            },
          ],
        },
      },
    },
  },
  worker: { format: "es" },
});
