import { describe, expect, it } from 'vitest';
import { formatPbxIds, parsePbxIds } from './pbxIds';

describe('parsePbxIds', () => {
  it('splits on lines and commas, trims and drops empty parts', () => {
    expect(parsePbxIds(' SIP/1001 ,Local/1001@agents\n\n101\r\nPJSIP/alice,, ')).toEqual({
      ids: ['SIP/1001', 'Local/1001@agents', '101', 'PJSIP/alice'],
      problems: [],
    });
    expect(parsePbxIds('')).toEqual({ ids: [], problems: [] });
    expect(parsePbxIds(' \n , ')).toEqual({ ids: [], problems: [] });
  });
  it('keeps spaces inside an identity (Asterisk member names)', () => {
    expect(parsePbxIds('Jane Doe, SIP/1002').ids).toEqual(['Jane Doe', 'SIP/1002']);
  });
  it('names a duplicate once and keeps the first', () => {
    expect(parsePbxIds('SIP/1001\nSIP/1002, SIP/1001')).toEqual({ ids: ['SIP/1001', 'SIP/1002'], problems: ['"SIP/1001" is listed twice.'] });
  });
  it('treats identities differing in case as different, as the server does', () => {
    expect(parsePbxIds('sip/1001, SIP/1001').problems).toEqual([]);
  });
  it('refuses an identity over 64 characters and accepts one of exactly 64', () => {
    const ok = 'Local/' + '1'.repeat(58);
    expect(ok.length).toBe(64);
    expect(parsePbxIds(ok)).toEqual({ ids: [ok], problems: [] });
    const long = ok + '2';
    expect(parsePbxIds(long)).toEqual({ ids: [], problems: ['"Local/111111111111111111…" is longer than 64 characters.'] });
  });
  it('refuses control characters', () => {
    expect(parsePbxIds('SIP/10\t01').problems).toEqual(['"SIP/10?01" contains a control character.']);
  });
  it('allows 20 identities and names the count above that', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `SIP/${1000 + i}`);
    expect(parsePbxIds(twenty.join(',')).problems).toEqual([]);
    expect(parsePbxIds([...twenty, 'SIP/2000'].join('\n')).problems).toEqual(['At most 20 identities; there are 21.']);
  });
  it('round-trips a stored list through the field text', () => {
    const ids = ['101', 'Local/1001@agents', 'SIP/1001'];
    expect(formatPbxIds(ids)).toBe('101\nLocal/1001@agents\nSIP/1001');
    expect(parsePbxIds(formatPbxIds(ids)).ids).toEqual(ids);
  });
});
