/**
 * Cheap "can this pattern match?" tests for the table patterns. A pattern's source is read
 * once for the literal text every match must contain (per top-level alternative); a text
 * that holds none of those literals is skipped without running the pattern. The format
 * table has about a hundred body and start patterns, and running each over every bounce
 * cost a fifth of the diagnosis time; most of them cannot match and a substring search
 * says so at once.
 */

/** Split a pattern source at its top-level "|" (not inside groups or classes). */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

const ESCAPED_LITERAL = /[.\\/()[\]{}|?*+^$\-'":#@!%&=<>,;~`]/;

/**
 * The longest run of plain characters that every match of one alternative contains, lower
 * case; '' when there is none worth testing (shorter than 4 characters).
 */
function longestLiteral(alt: string): string {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i]!;
    const next = alt[i + 1];
    // A quantifier after a character makes that character optional or repeated.
    const quantified = next === '?' || next === '*' || next === '{' || next === '+';
    if (c === '\\') {
      const e = alt[i + 1];
      i++;
      if (e !== undefined && ESCAPED_LITERAL.test(e)) {
        const q = alt[i + 1];
        if (q === '?' || q === '*' || q === '{') end();
        else {
          run += e;
          if (q === '+') end();
        }
      } else {
        end(); // \s, \d, \b, \w …
        // \uXXXX, \u{…}, \xXX, \p{…}: skip the code too.
        if (e === 'u' && alt[i + 1] === '{') i = Math.max(i, alt.indexOf('}', i));
        else if (e === 'u') i += 4;
        else if (e === 'x') i += 2;
        else if ((e === 'p' || e === 'P') && alt[i + 1] === '{') i = Math.max(i, alt.indexOf('}', i));
      }
      continue;
    }
    if (c === '(' || c === '[') {
      // Skip the group or class: what it matches is not one literal.
      end();
      let depth = 0;
      let inClass = c === '[';
      for (; i < alt.length; i++) {
        const d = alt[i];
        if (d === '\\') {
          i++;
          continue;
        }
        if (inClass) {
          if (d === ']') {
            inClass = false;
            if (depth === 0 && c === '[') break;
          }
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      continue;
    }
    if (c === '^' || c === '$' || c === '.' || c === '|') {
      end();
      continue;
    }
    if (c === '?' || c === '*' || c === '+') {
      end();
      continue;
    }
    if (c === '{') {
      end();
      const close = alt.indexOf('}', i);
      i = close < 0 ? alt.length : close;
      continue;
    }
    if (quantified) {
      end();
      continue;
    }
    run += c;
  }
  end();
  return best.length >= 4 ? best.toLowerCase() : '';
}

/**
 * The lower-case literals of a pattern, one per top-level alternative, or null when some
 * alternative has no usable literal (then the pattern must always be run).
 */
export function literalsOf(re: RegExp): readonly string[] | null {
  const out: string[] = [];
  for (const alt of alternatives(re.source)) {
    const lit = longestLiteral(alt);
    if (!lit) return null;
    out.push(lit);
  }
  return out;
}

/** A pattern with its prefilter: `test` runs it only when the lower-cased text can hold a match. */
export interface Prefiltered {
  readonly re: RegExp;
  readonly literals: readonly string[] | null;
}

export function prefiltered(re: RegExp): Prefiltered {
  return { re, literals: literalsOf(re) };
}

export function mayMatch(p: Prefiltered, lower: string): boolean {
  return p.literals === null || p.literals.some((l) => lower.includes(l));
}
