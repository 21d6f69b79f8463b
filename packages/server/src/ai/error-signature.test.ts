import { describe, expect, it } from "vitest";
import { errorSignature, normaliseMessage } from "./error-signature.ts";

const traceback = (line: number, error: string) =>
  `Traceback (most recent call last):\n  File "/work/main.py", line ${line}, in <module>\n    print(xs[i])\n${error}\n`;

describe("errorSignature", () => {
  it("takes Python's last traceback line and the line it points at; numbers and names normalised", () => {
    expect(errorSignature(traceback(4, "IndexError: list index out of range"), "python", "runtime")).toEqual({
      key: "IndexError: list index out of range",
      title: "IndexError: list index out of range",
      line: 4,
    });
    const a = errorSignature(traceback(2, "NameError: name 'totl' is not defined"), "python", "runtime");
    const b = errorSignature(
      traceback(9, "NameError: name 'count' is not defined. Did you mean: 'Count'?"),
      "python",
      "runtime",
    );
    expect(a.key).toBe("NameError: name '…' is not defined");
    expect(b.key).toBe("NameError: name '…' is not defined. Did you mean: '…'?");
    expect(errorSignature(traceback(1, "KeyError: 42"), "python", "runtime").key).toBe("KeyError: N");
    expect(
      errorSignature(traceback(3, "ZeroDivisionError: division by zero"), "python", "runtime").title,
    ).toBe("ZeroDivisionError: division by zero");
  });

  it("reads JavaScript, Java and compiler errors", () => {
    const js =
      "/work/main.js:3\n  xs.push(y);\n     ^\n\nTypeError: Cannot read properties of undefined (reading 'push')\n    at Object.<anonymous> (/work/main.js:3:6)\n";
    expect(errorSignature(js, "javascript", "runtime")).toEqual({
      key: "TypeError: Cannot read properties of undefined (reading '…')",
      title: "TypeError: Cannot read properties of undefined (reading '…')",
      line: 3,
    });
    const java =
      'Exception in thread "main" java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 5\n\tat Main.main(Main.java:7)\n';
    expect(errorSignature(java, "java", "runtime")).toMatchObject({
      key: "ArrayIndexOutOfBoundsException: Index N out of bounds for length N",
      line: 7,
    });
    const gcc =
      "main.c: In function 'main':\nmain.c:5:3: error: 'x' undeclared (first use in this function)\n";
    expect(errorSignature(gcc, "c", "compile")).toMatchObject({
      key: "error: '…' undeclared (first use in this function)",
      line: 5,
    });
  });

  it("names a limit, a signal, or the last line when there is no error to read", () => {
    expect(errorSignature("1\n2\n", "python", "time").title).toBe("Time limit");
    expect(errorSignature("", "c", "runtime", { exitCode: null, signal: "SIGSEGV" }).key).toBe(
      "signal:SIGSEGV",
    );
    expect(errorSignature("bad input 12\n", "c", "runtime", { exitCode: 2, signal: null }).title).toBe(
      "bad input N",
    );
    expect(errorSignature("", "c", "runtime", { exitCode: 3, signal: null }).title).toBe("Exit code 3");
  });

  it("normalises quoted names, numbers and addresses", () => {
    expect(normaliseMessage("can't multiply 'str' by  3.5 at 0xdeadbeef")).toBe(
      "can't multiply '…' by N at 0x…",
    );
  });
});
