/**
 * Locates the first syntax error in JSON text. `JSON.parse` reports a position only for some
 * errors, and the wording differs between Node versions, so plan files get their own scan.
 */

/** The first syntax error of a JSON text. */
export interface JsonSyntaxError {
  /** Offset of the offending character, in UTF-16 code units. */
  offset: number;
  message: string;
}

/** 1-based line and column of a text offset. */
export interface TextPosition {
  line: number;
  column: number;
}

class JsonSyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
// Nesting deeper than this is reported as an error instead of overflowing the stack.
const MAX_DEPTH = 512;

/** Recursive-descent scanner that stops at the first deviation from RFC 8259. */
class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.skipWhitespace();
    this.scanValue(0);
    this.skipWhitespace();
    if (this.offset < this.text.length) {
      this.fail('unexpected text after the end of the JSON value');
    }
  }

  private fail(message: string): never {
    throw new JsonSyntaxFailure(this.offset, this.offset >= this.text.length ? `unexpected end of file: ${message}` : message);
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length && ' \t\n\r'.includes(this.text[this.offset]!)) {
      this.offset += 1;
    }
  }

  private expect(character: string, message: string): void {
    if (this.text[this.offset] !== character) {
      this.fail(message);
    }
    this.offset += 1;
  }

  private scanValue(depth: number): void {
    if (depth > MAX_DEPTH) {
      this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    }
    const character = this.text[this.offset];
    if (character === '{') {
      this.scanObject(depth);
    } else if (character === '[') {
      this.scanArray(depth);
    } else if (character === '"') {
      this.scanString();
    } else if (!this.scanLiteral() && !this.scanNumber()) {
      this.fail(
        character === "'" ? 'strings must use double quotes' : 'expected a value: an object, array, string, number, true, false or null',
      );
    }
  }

  private scanObject(depth: number): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset += 1;
      return;
    }
    for (;;) {
      if (this.text[this.offset] !== '"') {
        this.fail('expected a property name in double quotes');
      }
      this.scanString();
      this.skipWhitespace();
      this.expect(':', 'expected ":" after the property name');
      this.skipWhitespace();
      this.scanValue(depth + 1);
      this.skipWhitespace();
      if (this.text[this.offset] === '}') {
        this.offset += 1;
        return;
      }
      this.expect(',', 'expected "," or "}" after the property value');
      this.skipWhitespace();
      if (this.text[this.offset] === '}') {
        this.fail('trailing comma before "}"');
      }
    }
  }

  private scanArray(depth: number): void {
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.scanValue(depth + 1);
      this.skipWhitespace();
      if (this.text[this.offset] === ']') {
        this.offset += 1;
        return;
      }
      this.expect(',', 'expected "," or "]" after the array element');
      this.skipWhitespace();
      if (this.text[this.offset] === ']') {
        this.fail('trailing comma before "]"');
      }
    }
  }

  private scanString(): void {
    this.offset += 1;
    for (;;) {
      const character = this.text[this.offset];
      if (character === undefined || character === '\n') {
        this.fail('unterminated string');
      }
      if (character === '"') {
        this.offset += 1;
        return;
      }
      if (character === '\\') {
        ESCAPE.lastIndex = this.offset;
        if (!ESCAPE.test(this.text)) {
          this.fail('invalid escape sequence in a string');
        }
        this.offset = ESCAPE.lastIndex;
      } else if (character < ' ') {
        this.fail('control character in a string; write it as an escape such as \\t');
      } else {
        this.offset += 1;
      }
    }
  }

  private scanLiteral(): boolean {
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.offset)) {
        this.offset += literal.length;
        return true;
      }
    }
    return false;
  }

  private scanNumber(): boolean {
    NUMBER.lastIndex = this.offset;
    if (!NUMBER.test(this.text)) {
      return false;
    }
    this.offset = NUMBER.lastIndex;
    return true;
  }
}

/** Returns the first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new JsonScanner(text).scanDocument();
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxFailure) {
      return { offset: error.offset, message: error.message };
    }
    throw error;
  }
}

/** Converts a text offset to a 1-based line and column; `\r\n` and `\n` end lines. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
