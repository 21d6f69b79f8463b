import { describe, expect, it } from "vitest";
import { csvCell, csvLine, toCsv } from "./csv.ts";

describe("csv", () => {
  it("writes a header and rows with CRLF line ends", () => {
    expect(
      toCsv(
        ["name", "runs", "ok"],
        [
          ["Ada", 3, true],
          ["Bob", 0, false],
        ],
      ),
    ).toBe("name,runs,ok\r\nAda,3,true\r\nBob,0,false\r\n");
    expect(toCsv(["only"], [])).toBe("only\r\n");
  });

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvLine(["a,b", 'say "hi"', "two\nlines", "cr\rhere", "plain"])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\rhere",plain\r\n',
    );
  });

  it("leaves empty cells for null and undefined, ISO text for dates", () => {
    expect(csvLine([null, undefined, new Date("2026-12-03T09:30:12.000Z"), Number.NaN])).toBe(
      ",,2026-12-03T09:30:12.000Z,\r\n",
    );
  });

  it("neutralises cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=SUM(A1:A9)")).toBe("'=SUM(A1:A9)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell('=HYPERLINK("x",1),')).toBe(`"'=HYPERLINK(""x"",1),"`);
    // Numbers are data, not formulas; text merely containing = is left alone.
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("a=b")).toBe("a=b");
  });
});
