import { Gauge, type Registry } from "prom-client";
import type { CollabServer } from "./collab-server.ts";

/**
 * Live documents at GET /metrics: how many this instance holds, and its document saves — running
 * and waiting behind one (at most one per document: see write-coalescer.ts), and how many saves
 * asked for were folded into a later one (a database keeping up folds almost none).
 */
export function registerCollabMetrics(registry: Registry, collab: CollabServer): void {
  new Gauge({
    name: "observer_documents_open",
    help: "Documents open on this instance (loaded in memory)",
    registers: [registry],
    collect() {
      this.set(collab.stats().documentsOpen);
    },
  });
  new Gauge({
    name: "observer_document_saves",
    help: "Document saves on this instance: running, and waiting behind a running one of the same document",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = collab.stats();
      this.set({ state: "running" }, stats.savesRunning);
      this.set({ state: "waiting" }, stats.savesWaiting);
    },
  });
  new Gauge({
    name: "observer_document_saves_folded",
    help: "Saves asked for since the start that were folded into a later save of the same document",
    registers: [registry],
    collect() {
      this.set(collab.stats().savesFolded);
    },
  });
}
