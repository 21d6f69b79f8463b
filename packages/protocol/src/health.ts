import { z } from "zod";

export const healthReplySchema = z.object({ status: z.literal("ok") });

/** Public facts the web app needs before login. */
export const publicConfigReplySchema = z.object({
  teacherSignup: z.enum(["open", "closed"]),
  /** True until the first account exists: that account becomes the administrator. */
  firstAccount: z.boolean(),
  /**
   * True while the first account does not exist and this client is not on the server's own
   * machine: registering it then needs the setup token the server printed at start.
   */
  setupTokenRequired: z.boolean(),
  /** Whether "Sign in with GitHub" and the GitHub features are set up on this server. */
  github: z.boolean(),
});
export type PublicConfig = z.infer<typeof publicConfigReplySchema>;
