import { LOGIN_HINT_COOKIE } from "@observer/protocol";

/**
 * Whether this browser may hold a login to restore: the server sets a readable hint cookie
 * beside the HttpOnly refresh cookie and clears both together. Without it the app starts
 * anonymous without asking `/api/auth/refresh` (which would answer 401 into the console).
 */
export function mayHaveLogin(cookies: string = document.cookie): boolean {
  return cookies.split(";").some((part) => part.trim().startsWith(`${LOGIN_HINT_COOKIE}=`));
}
