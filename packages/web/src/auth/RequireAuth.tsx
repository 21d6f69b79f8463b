import type { Role } from "@observer/protocol";
import { Navigate, Outlet, useLocation } from "react-router";
import { NotAllowed } from "../scenes/NotAllowed.tsx";
import { FullPageStatus } from "../ui/FullPageStatus.tsx";
import { useAuth } from "./auth-context.ts";
import { authPath } from "./next-path.ts";

/**
 * Renders the nested routes for a logged-in user (optionally of given roles); otherwise
 * sends the visitor to /login with `next` set to where they wanted to go.
 */
export function RequireAuth({ roles }: { roles?: readonly Role[] }) {
  const { status, retry } = useAuth();
  const location = useLocation();

  if (status.kind === "restoring") return <FullPageStatus busy message="Loading…" />;
  if (status.kind === "unreachable") {
    return <FullPageStatus message={status.message} action={{ label: "Try again", onClick: retry }} />;
  }
  if (status.kind === "anonymous") {
    // After "Log out" the login page starts afresh; a lost login brings the user back here.
    if (status.loggedOut) return <Navigate to="/login" replace />;
    const next = location.pathname + location.search;
    return (
      <Navigate to={authPath("/login", next)} replace state={status.ended ? { loginEnded: true } : null} />
    );
  }
  if (roles && !roles.includes(status.user.role)) return <NotAllowed />;
  return <Outlet />;
}
