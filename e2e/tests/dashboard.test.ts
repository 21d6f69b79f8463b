import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Language, Session } from "@observer/protocol";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { joinSessionByApi, person, registerByApi, textOf } from "../support/app.ts";
import { screenshot } from "../support/browser.ts";
import { useClassroom } from "../support/classroom.ts";
import type { NodeStudent } from "../support/collab.ts";
import { REPO_ROOT } from "../support/paths.ts";

/** What each simulated student writes: different programs in different languages. */
const PROGRAMS: Array<{ language: Language; code: string }> = [
  { language: "python", code: 'def greet(name):\n    return f"Hello, {name}!"\n\nprint(greet("class"))\n' },
  {
    language: "java",
    code: 'public class Main {\n    public static void main(String[] args) {\n        int sum = 0;\n        for (int i = 1; i <= 10; i++) sum += i;\n        System.out.println("Sum: " + sum);\n    }\n}\n',
  },
  {
    language: "c",
    code: '#include <stdio.h>\n\nint main(void) {\n    for (int i = 0; i < 3; i++)\n        printf("%d\\n", i * i);\n    return 0;\n}\n',
  },
  {
    language: "cpp",
    code: '#include <iostream>\n#include <vector>\n\nint main() {\n    std::vector<int> v{3, 1, 2};\n    std::cout << v.size() << "\\n";\n}\n',
  },
  {
    language: "javascript",
    code: 'const squares = [1, 2, 3].map((n) => n * n);\nconsole.log("squares: " + squares.join(", "));\n// "<img src=x onerror=alert(1)>" is text, not HTML\n',
  },
  { language: "python", code: "numbers = [4, 8, 15, 16, 23, 42]\nprint(sum(numbers) / len(numbers))\n" },
  {
    language: "java",
    code: 'public class Grades {\n    public static void main(String[] args) {\n        double avg = (90 + 72 + 85) / 3.0;\n        System.out.printf("%.1f%n", avg);\n    }\n}\n',
  },
  {
    language: "python",
    code: "while True:\n    answer = input('Guess? ')\n    if answer == '42':\n        break\n",
  },
  {
    language: "javascript",
    code: "function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\nconsole.log(fib(10));\n",
  },
  { language: "c", code: '#include <stdio.h>\n\nint main(void) {\n    puts("hello from C");\n}\n' },
];

const NAMES = [
  "Amara Okafor",
  "Ben Carter",
  "Chloé Martin",
  "Dmitri Volkov",
  "Elif Yılmaz",
  "Farah Haddad",
  "Gustav Lind",
  "Hana Sato",
  "Isla Murphy",
  "Jonas Weber",
  "Kiri Tane",
  "Lucía Romero",
  "Mateo Silva",
  "Nora Berg",
];
/** The first ten open their document from Node and write a program; 7 of them stay online. */
const WRITERS = 10;
const STAY_ONLINE = 7;

/**
 * A class of 14: ten simulated students (Hocuspocus providers in Node) write programs in
 * different languages, seven stay connected; the teacher's dashboard shows every tile with
 * its live, highlighted code, sorts and filters them, and is photographed.
 */
describe("the teacher's dashboard with a full class", () => {
  const room = useClassroom({
    session: {
      name: "Intro to programming — lab 4",
      language: "python",
      starterCode: "# Write your program here\n",
    },
    students: NAMES,
    pages: "teacher",
    pageOptions: { viewport: { width: 1440, height: 900 } },
  });
  let teacher: Page;
  let session: Session;
  /** The writers' documents, in the order of NAMES. */
  const docs: NodeStudent[] = [];

  beforeAll(async () => {
    ({ session } = room);
    teacher = room.teacher.page;
    const writers = await Promise.all(
      room.students.slice(0, WRITERS).map(async (student, i) => {
        const doc = await room.document(student);
        const program = PROGRAMS[i % PROGRAMS.length];
        if (program) doc.write(program.language, program.code);
        await doc.saved();
        return doc;
      }),
    );
    docs.push(...writers);
    // Three writers leave again: their code stays, they show offline.
    for (const doc of docs.slice(STAY_ONLINE, WRITERS)) doc.close();
  });

  const tiles = () => teacher.getByTestId("student-tile");
  const tile = (name: string) =>
    teacher.getByRole("list", { name: "Students" }).getByRole("link", { name: new RegExp(`^${name}`) });

  it("shows a tile per student with name, online state, language and live code", async () => {
    await teacher.goto(`/sessions/${session.id}`);
    await textOf(teacher.getByRole("main"), /14 students, 7 online/);
    expect(await tiles().count()).toBe(NAMES.length);

    await textOf(tile("Ben Carter"), /Online[\s\S]*edited/);
    await textOf(tile("Ben Carter"), /Java/);
    await textOf(tile("Ben Carter").getByTestId("code-preview"), /System\.out\.println\("Sum: " \+ sum\);/);
    await textOf(tile("Hana Sato"), /Offline/);
    await textOf(tile("Hana Sato").getByTestId("code-preview"), /answer = input/);
    await textOf(tile("Nora Berg"), /Offline · no edits yet/);
    // Previews draw near the viewport only; Nora's tile is in the last row.
    await tile("Nora Berg").scrollIntoViewIfNeeded();
    await textOf(tile("Nora Berg").getByTestId("code-preview"), /# Write your program here/);

    // Highlighted with Monaco's tokenizers: keywords get their own colour.
    const keyword = tile("Amara Okafor").getByText("def", { exact: true });
    await keyword.waitFor();
    const colors = await keyword.evaluate((el) => ({
      keyword: getComputedStyle(el).color,
      plain: getComputedStyle(el.closest("pre") as HTMLElement).color,
    }));
    expect(colors.keyword).not.toBe(colors.plain);

    // Student code is shown as text, never run as HTML.
    await textOf(tile("Elif Yılmaz").getByTestId("code-preview"), /<img src=x onerror=alert\(1\)>/);
    expect(await tile("Elif Yılmaz").locator("img").count()).toBe(0);
  });

  it("updates one tile live as its student types, without a reload", async () => {
    const writer = docs[0];
    if (!writer) throw new Error("no writer");
    writer.type("print('still typing')\n");
    await textOf(tile("Amara Okafor").getByTestId("code-preview"), /still typing/, 5000);
    await textOf(tile("Amara Okafor"), /edited (just now|\d+ s ago)/);
  });

  it("a student who joins later appears live", async () => {
    const late = await registerByApi(room.url, person("Zed Latecomer", "student"));
    await joinSessionByApi(room.url, late.accessToken, session.joinCode);
    await textOf(tile("Zed Latecomer"), /Zed Latecomer/);
    await textOf(teacher.getByRole("main"), /15 students/);
  });

  it("sorts and filters: online only, by last edit, by name search, idle", async () => {
    const names = async () => (await teacher.getByTestId("tile-name").allTextContents()).map((n) => n.trim());

    await teacher.getByLabel("Online only").check();
    await textOf(teacher.getByRole("search"), /Showing 7 of 15/);
    expect((await names()).sort()).toEqual(NAMES.slice(0, STAY_ONLINE).sort());
    await teacher.getByLabel("Online only").uncheck();

    await teacher.getByLabel("Sort", { exact: true }).selectOption("lastEdit");
    await textOf(teacher.getByRole("search"), /15 students/);
    expect((await names())[0]).toBe("Amara Okafor");

    await teacher.getByLabel("Search students").fill("lucia");
    await textOf(teacher.getByRole("search"), /Showing 1 of 15/);
    expect(await names()).toEqual(["Lucía Romero"]);
    await teacher.getByLabel("Search students").fill("");

    // Everyone acted within the last minute: nobody is idle for 5 minutes.
    await teacher.getByLabel("Idle for").selectOption("5");
    await textOf(teacher.getByRole("main"), /No students match these filters/);
    await teacher.getByRole("button", { name: "Clear filters" }).click();
    await teacher.getByLabel("Sort", { exact: true }).selectOption("name");
    await textOf(teacher.getByRole("search"), /15 students/);
  });

  it("is photographed for the docs", async () => {
    await teacher.mouse.move(0, 0);
    await teacher.waitForTimeout(300);
    const file = await screenshot(teacher, "dashboard-12");
    const size = (await stat(file)).size;
    expect(size).toBeLessThan(400 * 1024);
    await mkdir(path.join(REPO_ROOT, "docs/screenshots"), { recursive: true });
    await copyFile(file, path.join(REPO_ROOT, "docs/screenshots/dashboard.png"));

    await teacher.emulateMedia({ colorScheme: "dark" });
    await teacher.waitForFunction(() => document.documentElement.classList.contains("dark"));
    await teacher.waitForTimeout(200);
    await screenshot(teacher, "dashboard-12-dark");
    await teacher.emulateMedia({ colorScheme: "light" });
  });

  it("stays usable on a phone: one column, nothing sticks out sideways", async () => {
    await teacher.setViewportSize({ width: 375, height: 812 });
    const overflow = await teacher.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const lefts = await tiles().evaluateAll((els) =>
      els.slice(0, 3).map((el) => el.getBoundingClientRect().left),
    );
    expect(new Set(lefts).size).toBe(1);
    await screenshot(teacher, "dashboard-phone", false);
    await teacher.setViewportSize({ width: 1440, height: 900 });
  });
});
