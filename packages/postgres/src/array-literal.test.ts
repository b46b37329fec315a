import { describe, expect, it } from "vitest";
import { parseArrayLiteral } from "./array-literal.js";

describe("parseArrayLiteral()", () => {
  it("splits the literals Postgres prints into their elements' text", () => {
    const cases: [string, unknown][] = [
      ["{}", []],
      ["{1.5,NULL,-2}", ["1.5", null, "-2"]],
      ['{"NULL",NULL,""}', ["NULL", null, ""]],
      ['{"a,b","so \\"so\\"","back\\\\slash","x y"}', ["a,b", 'so "so"', "back\\slash", "x y"]],
      [
        "{{1,2},{3,NULL}}",
        [
          ["1", "2"],
          ["3", null],
        ],
      ],
      ["{{}}", [[]]],
      ["[0:1]={7,8}", ["7", "8"]],
      ['{"(1,\\"x y\\")",NULL}', ['(1,"x y")', null]],
    ];
    for (const [text, expected] of cases) {
      expect({ text, elements: parseArrayLiteral(text) }).toEqual({ text, elements: expected });
    }
  });

  it("splits on the element type's delimiter", () => {
    expect(parseArrayLiteral("{(1,1),(0,0);(2,2),(1,1)}", ";")).toEqual([
      "(1,1),(0,0)",
      "(2,2),(1,1)",
    ]);
  });
});
