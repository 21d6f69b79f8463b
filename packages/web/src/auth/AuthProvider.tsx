import type { LoginBody, RegisterBody, User } from "@observer/protocol";
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client.ts";
import { ApiError, errorMessage } from "../api/errors.ts";
import { AuthContext, type AuthStatus, type AuthValue } from "./auth-context.ts";
import { mayHaveLogin } from "./login-hint.ts";

/** Tabs of this origin tell each other about a logout, so none keeps acting for the old login. */
const CHANNEL = "observer-auth";

function openChannel(): BroadcastChannel | null {
  return typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
}

/** Restores the login from the refresh cookie at start-up and provides login/register/logout. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>({ kind: "restoring" });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the restore on retry.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const token = mayHaveLogin() ? await api.refresh() : null;
        if (!token) {
          if (!cancelled) setStatus({ kind: "anonymous" });
          return;
        }
        const { user } = await api.call("me");
        if (!cancelled) setStatus({ kind: "authenticated", user });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) {
          setStatus({ kind: "unreachable", message: errorMessage(error) });
        } else {
          api.setAccessToken(null);
          setStatus({ kind: "anonymous" });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // A logout under way revokes the login, so open sockets may find it gone before the logout
  // call returns: that is still the logout (no page to return to), not an expired login.
  const loggingOut = useRef(false);
  useEffect(
    () =>
      api.onExpired(() =>
        setStatus((s) =>
          s.kind === "anonymous"
            ? s
            : {
                kind: "anonymous",
                loggedOut: loggingOut.current,
                ended: s.kind === "authenticated" && !loggingOut.current,
              },
        ),
      ),
    [],
  );

  useEffect(() => {
    const channel = openChannel();
    if (!channel) return;
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === "logout") {
        api.setAccessToken(null);
        // This tab's own logout reaches this listener too (another channel object): keep its status.
        setStatus((s) => (s.kind === "anonymous" ? s : { kind: "anonymous" }));
      }
    };
    return () => channel.close();
  }, []);

  const signedIn = useCallback((user: User, accessToken: string) => {
    api.setAccessToken(accessToken);
    setStatus({ kind: "authenticated", user });
    return user;
  }, []);

  const login = useCallback(
    async (body: LoginBody) => {
      const reply = await api.call("login", { body });
      return signedIn(reply.user, reply.accessToken);
    },
    [signedIn],
  );

  const register = useCallback(
    async (body: RegisterBody) => {
      const reply = await api.call("register", { body });
      return signedIn(reply.user, reply.accessToken);
    },
    [signedIn],
  );

  const logout = useCallback(async () => {
    loggingOut.current = true;
    try {
      await api.call("logout");
    } catch {
      // The login is forgotten here whatever the server says; an expired one is gone anyway.
    } finally {
      loggingOut.current = false;
    }
    api.setAccessToken(null);
    setStatus({ kind: "anonymous", loggedOut: true });
    const channel = openChannel();
    channel?.postMessage("logout");
    channel?.close();
  }, []);

  const retry = useCallback(() => {
    setStatus({ kind: "restoring" });
    setAttempt((n) => n + 1);
  }, []);

  // Unreachable at start-up ("Cannot reach the server"): tries again once the network is back.
  useEffect(() => {
    if (status.kind !== "unreachable") return;
    window.addEventListener("online", retry);
    return () => window.removeEventListener("online", retry);
  }, [status.kind, retry]);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      user: status.kind === "authenticated" ? status.user : null,
      login,
      register,
      logout,
      retry,
    }),
    [status, login, register, logout, retry],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
