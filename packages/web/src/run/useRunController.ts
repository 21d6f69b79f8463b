import { useEffect, useState, useSyncExternalStore } from "react";
import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { channelToken } from "../live/tokens.ts";
import { webSocketUrl } from "../live/urls.ts";
import { RunController } from "./run-controller.ts";
import { IDLE_RUN, type RunState } from "./run-status.ts";

/**
 * A RunController for one student's terminal in a session, for as long as the component is
 * mounted. `userId`: the student, when the teacher runs their code; unset for a student's own.
 */
export function useRunController(sessionId: string, userId?: string): RunController | null {
  const [controller, setController] = useState<RunController | null>(null);
  useEffect(() => {
    const created = new RunController({
      baseUrl: webSocketUrl(""),
      token: channelToken,
      createRun: async (body) => (await api.call("createRun", { params: { id: sessionId }, body })).run,
      getRun: async (runId) => (await api.call("getRun", { params: { runId } })).run,
      userId,
    });
    setController(created);
    return () => created.dispose();
  }, [sessionId, userId]);
  return controller;
}

const noSubscribe = () => () => {};
const idle = () => IDLE_RUN;

/** The controller's run state, re-rendering on change. */
export function useRunState(controller: RunController | null): RunState {
  return useSyncExternalStore(controller?.subscribe ?? noSubscribe, controller?.getSnapshot ?? idle);
}

/** `GET /api/languages`, loaded once per page. */
export function useLanguages() {
  return useQuery("languages", () => api.call("languages")).data;
}
