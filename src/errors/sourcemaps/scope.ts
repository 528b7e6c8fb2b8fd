/**
 * Finding the function a minified frame runs in, so its original name can be read from the source
 * map. The stack names the function by its minified name (`n`); its declaration (`function n(`)
 * carries a mapping to the original name. Minifiers reuse short names in sibling scopes, so the
 * nearest declaration before the frame counts only if its body still encloses the frame.
 */

/** How far back a declaration is looked for: functions in minified bundles are rarely longer. */
const WINDOW = 512 * 1024;

/** Start offset of every line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line and column of an offset. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - (starts[lo] ?? 0) };
}

/** The identifier part of a function name as V8 prints it: `Object.n`, `async n`, `n [as x]` → `n`. */
export function bareFunctionName(name: string | null): string | null {
  if (name === null) return null;
  const stripped = name.replace(/^(?:async|new)\s+/, '').replace(/\s*\[as [^\]]*\]$/, '');
  const last = stripped.split('.').pop() ?? '';
  return /^[A-Za-z_$][\w$]*$/.test(last) ? last : null;
}

/**
 * Index of the bracket closing the one at `open`, skipping strings, template literals and
 * comments; -1 when it doesn't close before `limit`. Regex literals are not recognised (a rare
 * bracket inside one can only make us miss a name, never crash).
 */
export function closingBracket(code: string, open: number, limit: number): number {
  const stack: string[] = [];
  const closer: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
  for (let i = open; i < limit; i++) {
    const c = code[i] ?? '';
    const mode = stack.at(-1);
    if (mode === '`') {
      if (c === '\\') i++;
      else if (c === '`') stack.pop();
      else if (c === '$' && code[i + 1] === '{') {
        stack.push('}');
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      for (i++; i < limit && code[i] !== c && code[i] !== '\n'; i++) if (code[i] === '\\') i++;
    } else if (c === '`') stack.push('`');
    else if (c === '/' && code[i + 1] === '/') i = Math.max(code.indexOf('\n', i), i);
    else if (c === '/' && code[i + 1] === '*') i = code.indexOf('*/', i + 2) === -1 ? limit : code.indexOf('*/', i + 2) + 1;
    else if (closer[c]) stack.push(closer[c]);
    else if (c === '}' || c === ')' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The `{` opening the body of a declaration whose parameter list starts at `paren`, or -1 (arrow with an expression body). */
function bodyAfterParams(code: string, paren: number, limit: number): number {
  const close = closingBracket(code, paren, limit);
  if (close === -1) return -1;
  const rest = /^\s*(?:=>\s*)?\{/.exec(code.slice(close + 1, close + 64));
  return rest ? close + rest[0].length : -1;
}

const IDENTIFIER_CHAR = /[\w$]/;

/**
 * Whether `name` at `at` is declared there, and where its parameter list starts (null for
 * `n=x=>…`, which has none): `function n(`, `n=function(`, `n=(…)=>`, `n:(…)=>`, or a method
 * `n(…){` after `{ , ; }` or async/static/get/set.
 */
function declarationAt(code: string, at: number, name: string): { paren: number | null } | null {
  const before = code.slice(Math.max(0, at - 16), at);
  const afterStart = at + name.length;
  const after = code.slice(afterStart, afterStart + 80);
  const call = /^\s*\(/.exec(after);
  if (/\bfunction\s*\*?\s*$/.test(before)) return call ? { paren: afterStart + call[0].length - 1 } : null;
  if (!before.endsWith('.')) {
    const assigned = /^\s*[=:]\s*(?:async\s*)?(?:function\b[^(]*\(|\(|[A-Za-z_$][\w$]*\s*=>)/.exec(after);
    if (assigned) return assigned[0].endsWith('(') ? { paren: afterStart + assigned[0].length - 1 } : { paren: null };
  }
  if (call && /(?:[{,;}]|\b(?:async|static|get|set)\s)\s*$/.test(before)) return { paren: afterStart + call[0].length - 1 };
  return null;
}

/**
 * The offset of `name` in the declaration of the function that encloses `offset` in minified
 * `code`, or null. Walks back through occurrences of the name, nearest first, so the usual case
 * (the enclosing function starts shortly before) costs little even in a large bundle.
 */
export function enclosingDeclaration(code: string, offset: number, name: string): number | null {
  const start = Math.max(0, offset - WINDOW);
  for (let at = code.lastIndexOf(name, offset - name.length); at >= start; at = at === 0 ? -1 : code.lastIndexOf(name, at - 1)) {
    if (IDENTIFIER_CHAR.test(code[at - 1] ?? '') || IDENTIFIER_CHAR.test(code[at + name.length] ?? '')) continue;
    const declaration = declarationAt(code, at, name);
    if (!declaration) continue;
    // `n=x=>expr`: no brackets to check; only trusted when it is the nearest declaration.
    if (declaration.paren === null) return at;
    const body = bodyAfterParams(code, declaration.paren, offset);
    if (body === -1) continue;
    if (closingBracket(code, body - 1, offset) === -1) return at;
  }
  return null;
}
