import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GithubFake, startGithubFake } from "../../packages/server/test/fakes/github-fake.ts";
import { axeViolations } from "../support/a11y.ts";
import { textOf, waitForPath } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching, focusEditorEnd } from "../support/editor.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { waitForText } from "../support/wait.ts";

/**
 * GitHub through a local fake that speaks GitHub's OAuth and REST API (each request checked
 * against GitHub's OpenAPI description). The login page offers "Sign in with GitHub"; a new
 * GitHub user signs in and gets a student account. The teacher and Ada link their GitHub
 * accounts in Settings; Ada saves her code to her own (new, private) repository and sees the
 * commit; the teacher archives the class to a repository and sees the commit, which holds a
 * folder per student and a README.
 */
describe("GitHub: sign in, save, archive", () => {
  // Filled before the server starts (the hooks run in order): the server is pointed at the fake.
  const env: Record<string, string> = {};
  let fake: GithubFake;
  beforeAll(async () => {
    fake = await startGithubFake({
      users: [
        { login: "grace-gh", name: "Grace Teacher" },
        { login: "ada-gh", name: "Ada Saver" },
        { login: "new-gh", name: "Newcomer Octo", email: null },
      ],
    });
    Object.assign(env, {
      GITHUB_CLIENT_ID: fake.clientId,
      GITHUB_CLIENT_SECRET: fake.clientSecret,
      GITHUB_API_URL: fake.apiUrl,
      GITHUB_WEB_URL: fake.webUrl,
    });
  });
  afterAll(() => fake?.close());

  const room = useClassroom({
    session: { name: "Loops lab", language: "python", starterCode: "" },
    students: ["Ada Saver"],
    pages: "everyone",
    pageOptions: { viewport: { width: 1280, height: 900 } },
    env,
  });
  let teacher: Page;
  let ada: Page;
  let session: Session;

  beforeAll(() => {
    ({ session } = room);
    [teacher, ada] = [room.teacher.page, room.student().page];
  });

  it("a new GitHub user signs in from the login page and gets a student account", async () => {
    const page = await room.page();
    try {
      fake.approveAs("new-gh");
      await page.goto("/login");
      await page.getByRole("link", { name: "Sign in with GitHub" }).click();
      await waitForPath(page, /^\/$/);
      await textOf(page.getByRole("banner"), /Newcomer Octo[\s\S]*Student/);
    } finally {
      await page.close();
    }
  });

  it("the teacher links GitHub in Settings", async () => {
    fake.approveAs("grace-gh");
    await teacher.goto("/settings");
    const card = teacher.getByRole("region", { name: "GitHub" });
    await card.getByRole("button", { name: "Link GitHub", exact: true }).click();
    // Back from GitHub: the address the server sends the browser to (the page it left was
    // /settings too, so only the query tells that the round trip happened).
    await waitForPath(teacher, /^\/settings\?github=linked$/);
    await textOf(teacher.getByRole("region", { name: "GitHub" }), /is linked[\s\S]*Linked to @grace-gh/);
    expect(await axeViolations(teacher)).toBe("");
  });

  it("Ada links hers and saves her code to a new private repository, then again", async () => {
    fake.approveAs("ada-gh");
    await ada.goto("/settings");
    await ada
      .getByRole("region", { name: "GitHub" })
      .getByRole("button", { name: "Link GitHub", exact: true })
      .click();
    await textOf(ada.getByRole("region", { name: "GitHub" }), /Linked to @ada-gh/);

    await ada.goto(`/sessions/${session.id}`);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    await focusEditorEnd(ada);
    await ada.keyboard.type('print("saved to github")');
    await editorTextMatching(ada, /saved to github/);
    await textOf(ada.getByTestId("save-state"), /Saved/);
    // The server commits the code as last stored: wait until the store has it.
    await waitForText(
      async () => {
        const res = await fetch(
          `${room.url}/api/sessions/${session.id}/students/${room.student().id}/code?at=${new Date().toISOString()}`,
          { headers: { authorization: `Bearer ${room.student().token}` } },
        );
        return res.ok ? ((await res.json()) as { code: string }).code : `HTTP ${res.status}`;
      },
      /saved to github/,
      15_000,
      (last) => `the stored code never had the new line; last:\n${last}`,
    );
    await ada.getByRole("button", { name: "Save to GitHub" }).click();
    const saved = await textOf(ada.getByTestId("github-saved"), /see the commit/);
    expect(saved).toMatch(/^Saved main\.py to ada-gh\/[\w.-]+ \(new private repository\)/);
    const repoName = /to (ada-gh\/[\w.-]+)/.exec(saved)?.[1] as string;
    expect(fake.repos.get(repoName)?.private).toBe(true);
    expect(fake.files(repoName)["main.py"]).toContain('print("saved to github")');
    const link = ada.getByTestId("github-saved").getByRole("link", { name: "see the commit" });
    expect(await link.getAttribute("href")).toMatch(new RegExp(`/${repoName}/commit/[0-9a-f]{40}$`));

    await ada.getByRole("button", { name: "Save to GitHub" }).click();
    await textOf(ada.getByTestId("github-saved"), /^Saved main\.py to ada-gh\/[\w.-]+: see the commit/);
    const repo = fake.repos.get(repoName);
    expect(repo?.head()?.parents).toHaveLength(1);
  });

  it("the teacher archives the class: one commit, a folder per student and a README", async () => {
    fake.createRepo("grace-gh/class-archive", { private: true });
    await teacher.goto(`/sessions/${session.id}`);
    await teacher.getByRole("main").getByRole("button", { name: "Edit session" }).click();
    await teacher.getByRole("button", { name: "Archive to GitHub" }).click();
    const form = teacher.getByRole("form", { name: "Archive to GitHub" });
    await form.getByLabel("Repository (owner/name)").fill("grace-gh/class-archive");
    await form.getByRole("button", { name: "Archive now" }).click();
    await textOf(
      teacher.getByTestId("github-archived"),
      /^Archived \d+ files to grace-gh\/class-archive: see the commit/,
    );
    const files = fake.files("grace-gh/class-archive");
    const readme = files["README.md"] ?? "";
    expect(readme).toContain("Loops lab");
    expect(readme).toContain("Ada Saver");
    const adaFile = Object.keys(files).find((file) => /^ada-saver-[0-9a-f]{8}\/main\.py$/.test(file));
    expect(adaFile && files[adaFile]).toContain('print("saved to github")');
    expect(fake.invalidRequests).toEqual([]);
    expect(await axeViolations(teacher)).toBe("");
    await teacher.evaluate(() => window.scrollTo(0, 0));
    await screenshot(teacher, "github-archive", false);
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, "e2e/screenshots/github-archive.png"),
      path.join(REPO_ROOT, "docs/screenshots/github-archive.png"),
    );
  });

  it("the teacher unlinks GitHub: the token is revoked at GitHub", async () => {
    await teacher.goto("/settings");
    const card = teacher.getByRole("region", { name: "GitHub" });
    await card.getByRole("button", { name: "Unlink GitHub" }).click();
    await card.getByRole("button", { name: "Link GitHub", exact: true }).waitFor();
    const graces = fake.tokens.filter((t) => t.login === "grace-gh");
    expect(graces.length).toBeGreaterThan(0);
    expect(graces.map((t) => t.revoked)).toEqual(graces.map(() => true));
    expect(fake.invalidRequests).toEqual([]);
  });
});
