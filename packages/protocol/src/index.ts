export * from "./endpoints.ts";
export * from "./errors.ts";
export * from "./health.ts";
export * from "./languages.ts";
export * from "./limits.ts";
export * from "./sessions.ts";
export * from "./users.ts";
