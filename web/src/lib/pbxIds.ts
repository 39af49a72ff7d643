// An agent's PBX identities as typed in one field: one per line or separated by commas, e.g.
// "SIP/1001", "Local/1001@agents", "PJSIP/alice" or a 3CX extension "101". Spaces inside an
// identity stay (Asterisk member names may have them); the server's limits are checked here
// so the form can name the problem before sending.

export const MAX_PBX_IDS = 20;
export const MAX_PBX_ID_CHARS = 64;

export interface PbxIdList {
  ids: string[];
  problems: string[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parsePbxIds(text: string): PbxIdList {
  const ids: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(/[\n\r,]+/)) {
    const id = part.trim();
    if (!id) continue;
    if (id.length > MAX_PBX_ID_CHARS) {
      problems.push(`"${id.slice(0, 24)}…" is longer than ${MAX_PBX_ID_CHARS} characters.`);
    } else if (CONTROL.test(id)) {
      problems.push(`"${id.replace(CONTROL, '?')}" contains a control character.`);
    } else if (seen.has(id)) {
      problems.push(`"${id}" is listed twice.`);
    } else {
      seen.add(id);
      ids.push(id);
    }
  }
  if (ids.length > MAX_PBX_IDS) problems.push(`At most ${MAX_PBX_IDS} identities; there are ${ids.length}.`);
  return { ids, problems };
}

// The field's text for a stored list: one identity per line.
export function formatPbxIds(ids: readonly string[]): string {
  return ids.join('\n');
}
