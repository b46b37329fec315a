/** Internal. An array literal's elements as text (`null` for NULL), nested as its dimensions. */
export type ArrayText = (string | null | ArrayText)[];

/**
 * Internal. Split an array literal as Postgres prints it (`{1.5,NULL,"a \"b\""}`,
 * `{{1,2},{3,4}}`, `[0:1]={7,8}`) into its elements' text, unquoted and unescaped.
 *
 * @param text - the literal
 * @param delimiter - the element type's delimiter: `,` for all but `box` (`;`)
 * @returns the elements, nested as the dimensions
 */
export function parseArrayLiteral(text: string, delimiter = ","): ArrayText {
  // Explicit bounds (`[0:1]=`) say where the array starts, which a JS array cannot keep.
  let i = text.charCodeAt(0) === 91 ? text.indexOf("=") + 1 : 0;
  const stack: ArrayText[] = [];
  let top: ArrayText = [];
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      const inner: ArrayText = [];
      if (stack.length > 0 || top.length > 0) top.push(inner);
      stack.push(top);
      top = inner;
    } else if (c === "}") {
      const outer = stack.pop();
      if (outer === undefined || stack.length === 0) return top;
      top = outer;
    } else if (c === delimiter || c === " ") {
      // Between elements.
    } else if (c === '"') {
      let value = "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++;
        value += text[i];
      }
      top.push(value);
    } else {
      let end = i;
      while (end < text.length && text[end] !== delimiter && text[end] !== "}") end++;
      const value = text.slice(i, end);
      top.push(value === "NULL" ? null : value);
      i = end - 1;
    }
  }
  return top;
}
