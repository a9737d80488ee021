import { findJsonSyntaxError, positionAt } from '../../src/plan/json-syntax';

describe('findJsonSyntaxError', () => {
  const valid = ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '"text"', '0', '{"a":{"b":[{}]}}'];

  test.each(valid)('accepts %s', (text) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  const invalid: [string, number, string][] = [
    ['', 0, 'unexpected end of file: expected a value: an object, array, string, number, true, false or null'],
    ['{"a" 1}', 5, 'expected ":" after the property name'],
    ['{"a": 1 "b": 2}', 8, 'expected "," or "}" after the property value'],
    ['{"a": 1,}', 8, 'trailing comma before "}"'],
    ['[1, 2,]', 6, 'trailing comma before "]"'],
    ['[1 2]', 3, 'expected "," or "]" after the array element'],
    ["{'a': 1}", 1, 'expected a property name in double quotes'],
    ["['a']", 1, 'strings must use double quotes'],
    ['{"a": "x\\q"}', 8, 'invalid escape sequence in a string'],
    ['{"a": "x\ty"}', 8, 'control character in a string; write it as an escape such as \\t'],
    ['{"a": "x', 8, 'unexpected end of file: unterminated string'],
    ['{"a": tru}', 6, 'expected a value: an object, array, string, number, true, false or null'],
    ['{"a": 1} x', 9, 'unexpected text after the end of the JSON value'],
    ['{"a": .5}', 6, 'expected a value: an object, array, string, number, true, false or null'],
  ];

  test.each(invalid)('rejects %j', (text, offset, message) => {
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual({ offset, message });
  });

  test('deep nesting reported', () => {
    const text = `${'['.repeat(600)}${']'.repeat(600)}`;

    expect(findJsonSyntaxError(text)?.message).toBe('nesting deeper than 512 levels');
  });
});

describe('positionAt', () => {
  test('first character', () => {
    expect(positionAt('abc', 0)).toEqual({ line: 1, column: 1 });
  });

  test('after LF and CRLF', () => {
    expect(positionAt('a\nb\r\ncd', 6)).toEqual({ line: 3, column: 2 });
  });

  test('end of text', () => {
    expect(positionAt('ab\n', 3)).toEqual({ line: 2, column: 1 });
  });
});
