import { z } from "zod";

/**
 * Zod compiles fast object parsers with `new Function` unless told not to, and probes for it
 * with `Function("")` when a schema is built: our CSP (no 'unsafe-eval') refuses that and the
 * browser reports a violation. Imported first in main.tsx, so it runs before any schema exists.
 */
z.config({ jitless: true });
