// A strict JSON reader for election definitions.
//
// Why not JSON.parse alone: it silently keeps the last of duplicate keys, so two programs (or a person
// reading the file) can disagree about what a manifest says; it recurses without a depth bound; and its
// messages give a character offset, not a line and column. This reader accepts exactly RFC 8259 JSON
// (plus one leading byte-order mark, which editors add), rejects duplicate keys, bounds nesting, and
// returns plain values built like JSON.parse builds them (objects with own data properties, so a key
// "__proto__" is an ordinary key, as with JSON.parse).

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Deep enough for any manifest (which nests five levels), shallow enough never to exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

export function parseStrictJson(text: string): unknown {
  return new Reader(text).document();
}

class Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): unknown {
    this.ws();
    if (this.pos >= this.text.length) this.fail('empty document, expected a JSON value');
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
    return v;
  }

  private fail(message: string, at = this.pos): never {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        line++;
        col = 1;
      } else col++;
    }
    throw new JsonSyntaxError(message, line, col);
  }

  private describe(): string {
    if (this.pos >= this.text.length) return 'end of input';
    const c = this.text[this.pos]!;
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `control character U+${code.toString(16).padStart(4, '0')}` : `character ${JSON.stringify(c)}`;
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private value(): unknown {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        this.fail(`unexpected ${this.describe()}, expected a JSON value`);
    }
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.pos++; // '{'
    // Built with defineProperty so that "__proto__" becomes an own data property, as JSON.parse does.
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail(`unexpected ${this.describe()}, expected a string key`);
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      seen.add(key);
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${this.describe()}, expected ':'`);
      this.pos++;
      this.ws();
      const v = this.value();
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        this.depth--;
        return out;
      }
      this.fail(`unexpected ${this.describe()}, expected ',' or '}'`);
    }
  }

  private array(): unknown[] {
    this.enter();
    this.pos++; // '['
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.depth--;
        return out;
      }
      this.fail(`unexpected ${this.describe()}, expected ',' or ']'`);
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string', start);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail(`${this.describe()} inside a string (escape it)`);
      if (c === 0x5c) {
        out += t.slice(runStart, this.pos);
        const e = t[this.pos + 1];
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = t.slice(this.pos + 2, this.pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape, expected 4 hex digits');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.pos++;
            this.fail(`invalid escape \\${e ?? ''}`);
        }
        this.pos += 2;
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private number(): number {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
    if (!r) this.fail(`invalid number`);
    const s = r[0];
    // "01" or "1." match a prefix only; the leftover digit or dot would otherwise read as trailing garbage.
    const next = this.text[this.pos + s.length];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail(`invalid number`, this.pos);
    this.pos += s.length;
    return Number(s);
  }

  private literal<T>(word: string, v: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    this.fail(`unexpected ${this.describe()}, expected a JSON value`);
  }
}
