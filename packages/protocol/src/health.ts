import { z } from "zod";

export const healthReplySchema = z.object({ status: z.literal("ok") });

/** Public facts the web app needs before login. */
export const publicConfigReplySchema = z.object({
  teacherSignup: z.enum(["open", "closed"]),
  /** True until the first account exists: that account becomes the administrator. */
  firstAccount: z.boolean(),
});
export type PublicConfig = z.infer<typeof publicConfigReplySchema>;
