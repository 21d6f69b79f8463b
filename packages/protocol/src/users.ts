import { z } from "zod";
import { idSchema, timestampSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { hasNoFormatChars, oneLineTextSchema } from "./text.ts";

export const ROLES = ["teacher", "student", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
});
export type User = z.infer<typeof userSchema>;

/** A user as an administrator sees it. */
export const adminUserSchema = userSchema.extend({
  active: z.boolean(),
  createdAt: timestampSchema,
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export const emailSchema = z
  .string()
  .trim()
  .max(LIMITS.emailChars, `Email must be at most ${LIMITS.emailChars} characters.`)
  .pipe(z.email("Enter a valid email address."))
  .transform((e) => e.toLowerCase());

export const personNameSchema = oneLineTextSchema("Name", LIMITS.nameChars, "Enter your name.").refine(
  hasNoFormatChars,
  "Name contains invisible formatting characters (such as direction marks or zero-width spaces).",
);

export const passwordSchema = z
  .string()
  .min(LIMITS.passwordMinChars, `Password must be at least ${LIMITS.passwordMinChars} characters.`)
  .max(LIMITS.passwordMaxChars, `Password must be at most ${LIMITS.passwordMaxChars} characters.`);

export const registerBodySchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: personNameSchema,
  role: z.enum(["teacher", "student"]),
  /** Only for the first account of an install registering from another machine (see /api/config). */
  setupToken: z.string().max(200).optional(),
});
export type RegisterBody = z.input<typeof registerBodySchema>;

export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(LIMITS.passwordMaxChars),
});
export type LoginBody = z.input<typeof loginBodySchema>;

export const authReplySchema = z.object({ user: userSchema, accessToken: z.string() });
export type AuthReply = z.infer<typeof authReplySchema>;

export const refreshReplySchema = z.object({ accessToken: z.string() });

/**
 * A readable cookie (value "1", Path=/, never a secret) that the server sets and clears with
 * the HttpOnly refresh cookie. Its absence tells the web app there is no login to restore, so
 * an anonymous page load makes no refresh call (which would answer 401).
 */
export const LOGIN_HINT_COOKIE = "observer_login";
export const meReplySchema = z.object({ user: userSchema });

export const adminUsersReplySchema = z.object({ users: z.array(adminUserSchema) });
export const adminUserUpdateBodySchema = z
  .strictObject({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, "Give a role or active.");
export const adminUserReplySchema = z.object({ user: adminUserSchema });
