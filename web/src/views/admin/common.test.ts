import { describe, expect, it } from 'vitest';
import { queryString } from '../../api/client';
import { ALL_PEOPLE, isFiltered, nameOf, peopleQuery } from './common';

describe('people filters', () => {
  it('send only the filters in use to the list route', () => {
    expect(queryString(peopleQuery(ALL_PEOPLE))).toBe('?limit=500');
    expect(queryString(peopleQuery({ search: '  priya ', team_id: 3, active_only: true }))).toBe('?limit=500&search=priya&team_id=3&active=true');
    expect(queryString(peopleQuery({ search: ' ', team_id: null, active_only: false }))).toBe('?limit=500');
  });
  it('tell a filtered list from the whole one', () => {
    expect(isFiltered(ALL_PEOPLE)).toBe(false);
    expect(isFiltered({ ...ALL_PEOPLE, search: '   ' })).toBe(false);
    expect(isFiltered({ ...ALL_PEOPLE, search: 'a' })).toBe(true);
    expect(isFiltered({ ...ALL_PEOPLE, team_id: 1 })).toBe(true);
    expect(isFiltered({ ...ALL_PEOPLE, active_only: true })).toBe(true);
  });
});

describe('nameOf', () => {
  const teams = [
    { id: 1, name: 'Blue' },
    { id: 2, name: 'Green' },
  ];
  it('names an id, none, and an id not (yet) loaded', () => {
    expect(nameOf(teams, 2)).toBe('Green');
    expect(nameOf(teams, null)).toBe('—');
    expect(nameOf(teams, 9)).toBe('#9');
    expect(nameOf(undefined, 1)).toBe('#1');
  });
});
