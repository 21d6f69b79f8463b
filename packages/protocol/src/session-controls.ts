import { z } from "zod";

/** The class controls (teacher): whether students may edit their code ("locked": read-only for them). */
export const EDITING_MODES = ["open", "locked"] as const;
export const editingModeSchema = z.enum(EDITING_MODES, 'Editing is "open" or "locked".');
export type EditingMode = z.infer<typeof editingModeSchema>;
/** Whether students may run programs ("denied": their runs are refused with `runs_disabled`). */
export const RUNNING_MODES = ["allowed", "denied"] as const;
export const runningModeSchema = z.enum(RUNNING_MODES, 'Running is "allowed" or "denied".');
export type RunningMode = z.infer<typeof runningModeSchema>;
/** Whether the teacher's broadcast editor is shown to the students. */
export const BROADCAST_MODES = ["on", "off"] as const;
export const broadcastModeSchema = z.enum(BROADCAST_MODES, 'Broadcast is "on" or "off".');
export type BroadcastMode = z.infer<typeof broadcastModeSchema>;
/** How much AI help students get. */
export const AI_MODES = ["off", "hints", "full"] as const;
export const aiModeSchema = z.enum(AI_MODES, 'AI help is "off", "hints" or "full".');
export type AiMode = z.infer<typeof aiModeSchema>;
