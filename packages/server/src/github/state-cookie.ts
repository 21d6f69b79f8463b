import type { FastifyReply, FastifyRequest } from "fastify";
import { fail } from "../errors.ts";

/** The cookie that ties an OAuth state to the browser that started the flow. */
export const GITHUB_STATE_COOKIE = "observer_github_state";

/** The state's lifetime, as the database's (oauth_states: 10 minutes). */
const MAX_AGE_S = 10 * 60;

/**
 * The OAuth `state` bound to the browser that started the flow: it is also kept in an httpOnly
 * cookie (SameSite=Lax: sent on GitHub's redirect back, a top-level navigation), and the
 * callback takes only a state its browser holds. Without it, someone could start a flow, get
 * its link to GitHub, and have another person's browser finish it: signed in to the stranger's
 * account (login CSRF), or the other person's GitHub linked to the stranger's account, whose
 * saves would then write with their token.
 */
export function githubStateCookie(production: boolean) {
  const options = { path: "/api/auth/github", httpOnly: true, sameSite: "lax" as const, secure: production };
  return {
    /** Remembers the state of the authorize URL in this browser. */
    set(reply: FastifyReply, authorizeUrl: string): void {
      const state = new URL(authorizeUrl).searchParams.get("state");
      if (state) reply.setCookie(GITHUB_STATE_COOKIE, state, { ...options, maxAge: MAX_AGE_S });
    },
    /** Refuses a callback whose state this browser did not start (400 oauth_state_invalid); clears the cookie. */
    check(request: FastifyRequest, reply: FastifyReply, state: string | undefined): void {
      const held = request.cookies[GITHUB_STATE_COOKIE];
      reply.clearCookie(GITHUB_STATE_COOKIE, options);
      if (!state || !held || held !== state)
        throw fail("oauth_state_invalid", "This sign-in was not started in this browser. Start again.");
    },
  };
}
