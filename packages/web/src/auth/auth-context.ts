import type { LoginBody, RegisterBody, User } from "@observer/protocol";
import { createContext, useContext } from "react";

/** Where the login stands: restoring it at start-up, none, a user, or the server unreachable. */
export type AuthStatus =
  | { kind: "restoring" }
  | {
      kind: "anonymous";
      /** The user logged out here (so the login page has no page to return to). */
      loggedOut?: boolean;
      /** A login in use here ended elsewhere (logout, revoked, expired): the login page says so. */
      ended?: boolean;
    }
  | { kind: "authenticated"; user: User }
  | { kind: "unreachable"; message: string };

export interface AuthValue {
  status: AuthStatus;
  /** The logged-in user, or null. */
  user: User | null;
  login(body: LoginBody): Promise<User>;
  register(body: RegisterBody): Promise<User>;
  logout(): Promise<void>;
  /** Tries again to restore the login (after the server was unreachable). */
  retry(): void;
}

export const AuthContext = createContext<AuthValue | null>(null);

/** The auth state and actions; only inside <AuthProvider>. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() used outside <AuthProvider>");
  return value;
}

/** True for roles that may create and teach sessions (admins teach too). */
export function canTeach(user: User): boolean {
  return user.role === "teacher" || user.role === "admin";
}
