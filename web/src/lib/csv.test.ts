import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv';

describe('csv', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(false)).toBe('false');
  });
  it('defuses spreadsheet formulas but keeps negative numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+4930123')).toBe("'+4930123");
    expect(csvField('-12')).toBe('-12');
    expect(csvField(-3.5)).toBe('-3.5');
  });
  it('joins rows with CRLF', () => {
    expect(toCsv(['id', 'caller'], [[1, '+49 30'], [2, 'x,y']])).toBe("id,caller\r\n1,'+49 30\r\n2,\"x,y\"\r\n");
  });
});
