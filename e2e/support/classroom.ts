import type { CreateSessionBody, Session } from "@observer/protocol";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type Account, createSessionByApi, joinSessionByApi, logInAt, person, registerByApi } from "./app.ts";
import { launchBrowser, newUserPage } from "./browser.ts";
import { type NodeStudent, openStudentDocument } from "./collab.ts";
import { type StartedServer, startServer } from "./server.ts";

/** The started server and browser of one describe block. */
export interface Stage {
  readonly server: StartedServer;
  /** The server's base URL (pages open relative to it). */
  readonly url: string;
  readonly browser: Browser;
  /** A new person (own context: cookies, storage) with one page at the server, not logged in. */
  page(options?: BrowserContextOptions): Promise<Page>;
}

/** Someone registered through the API. */
export interface Member {
  readonly account: Account;
  readonly id: string;
  readonly token: string;
  /** Their own page, logged in (for those `pages` names; an error for anyone else). */
  readonly page: Page;
}

export interface ClassOptions {
  /**
   * Registers "Ops Admin" first (default true): an install's first account becomes its
   * administrator, so the teacher is an ordinary teacher. With false the teacher is the admin.
   */
  admin?: boolean;
  /** The teacher's name (default "Grace Teacher"). */
  teacher?: string;
  /** The session the teacher creates through the API; none without it. */
  session?: CreateSessionBody;
  /** The students' names, registered in this order after the session is created. */
  students?: readonly string[];
  /** Whether the students join the session through the API (default true). */
  join?: boolean;
  /** Who gets a page of their own, logged in at the start. */
  pages?: "everyone" | "teacher" | "students";
  /** The browser context of those pages (e.g. a wider viewport). */
  pageOptions?: BrowserContextOptions;
}

/** The people of a class, and its session. */
export interface Class {
  readonly admin: Member;
  readonly teacher: Member;
  readonly students: readonly Member[];
  /** The session the teacher created (an error when `session` was not given). */
  readonly session: Session;
  /** The student at `index` (the first by default). */
  student(index?: number): Member;
}

export interface Classroom extends Stage, Class {
  /** Opens a student's document of the session from Node with their token; closed at the end. */
  document(student: Member): Promise<NodeStudent>;
}

function missing(what: string): never {
  throw new Error(`e2e: ${what} (read it in a test or a hook, after the fixture's beforeAll)`);
}

/**
 * Starts the server (with `env`) and Chromium before the tests of the describe block it is
 * called in, and closes both after them (the browser first; the server then removes its data).
 */
export function useStage(env: Record<string, string> = {}): Stage {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startServer(env), launchBrowser()]);
    if (started.status === "fulfilled") server = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    // Whatever did start is closed by the afterAll below.
    if (started.status === "rejected") throw started.reason;
    if (launched.status === "rejected") throw launched.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server ?? missing("the server is not started");
    },
    get url() {
      return (server ?? missing("the server is not started")).url;
    },
    get browser() {
      return browser ?? missing("the browser is not launched");
    },
    page(options = {}) {
      return newUserPage(this.browser, this.url, options);
    },
  };
}

type Registered = Omit<Member, "page">;

async function register(url: string, account: Account): Promise<Registered> {
  const reply = await registerByApi(url, account);
  return { account, id: reply.user.id, token: reply.accessToken };
}

function member(registered: Registered, page: Page | undefined): Member {
  return {
    ...registered,
    get page() {
      return page ?? missing(`${registered.account.name} has no page (see the fixture's \`pages\`)`);
    },
  };
}

/**
 * Registers a class on a started stage: the admin, the teacher, the session, the students
 * (each joining it), then logs in the pages asked for, all at once. Usable inside a test.
 */
export async function seatClass(stage: Stage, options: ClassOptions = {}): Promise<Class> {
  const { url } = stage;
  const admin = options.admin === false ? undefined : await register(url, person("Ops Admin", "teacher"));
  const teacher = await register(url, person(options.teacher ?? "Grace Teacher", "teacher"));
  const session = options.session && (await createSessionByApi(url, teacher.token, options.session));
  const students: Registered[] = [];
  for (const name of options.students ?? []) {
    const student = await register(url, person(name, "student"));
    if (session && options.join !== false) await joinSessionByApi(url, student.token, session.joinCode);
    students.push(student);
  }
  const asked = options.pages;
  const withPages = [
    ...(asked === "everyone" || asked === "teacher" ? [teacher] : []),
    ...(asked === "everyone" || asked === "students" ? students : []),
  ];
  const pages = new Map<Registered, Page>();
  await Promise.all(
    withPages.map(async (one) => {
      pages.set(one, await stage.page(options.pageOptions));
    }),
  );
  await Promise.all(withPages.map((one) => logInAt(pages.get(one) as Page, one.account)));
  const members = students.map((student) => member(student, pages.get(student)));
  return {
    get admin() {
      return admin ? member(admin, undefined) : missing("this class has no separate admin (`admin: false`)");
    },
    teacher: member(teacher, pages.get(teacher)),
    students: members,
    get session() {
      return session || missing("this class has no session (`session` not given)");
    },
    student(index = 0) {
      return members[index] ?? missing(`this class has no student #${index}`);
    },
  };
}

/**
 * One class for the tests of a describe block: a server (with `env`) and Chromium, the admin,
 * a teacher, their session and its students, with logged-in pages as asked; everything is
 * closed after the block (the documents opened through `document`, the browser, the server).
 */
export function useClassroom(options: ClassOptions & { env?: Record<string, string> } = {}): Classroom {
  const stage = useStage(options.env);
  let seated: Class | undefined;
  const documents: NodeStudent[] = [];
  beforeAll(async () => {
    seated = await seatClass(stage, options);
  });
  afterAll(() => {
    for (const document of documents) document.close();
  });
  const room = (): Class => seated ?? missing("the class is not set up yet");
  return {
    get server() {
      return stage.server;
    },
    get url() {
      return stage.url;
    },
    get browser() {
      return stage.browser;
    },
    page: (pageOptions) => stage.page(pageOptions),
    get admin() {
      return room().admin;
    },
    get teacher() {
      return room().teacher;
    },
    get students() {
      return room().students;
    },
    get session() {
      return room().session;
    },
    student: (index) => room().student(index),
    async document(student) {
      const document = await openStudentDocument(stage.url, room().session.id, student.id, student.token);
      documents.push(document);
      return document;
    },
  };
}
