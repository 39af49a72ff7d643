import { describe, expect, it } from 'vitest';
import type { Source } from '../../api/types';
import { NEW_SOURCE, fixedFormat, formOf, kindFields, sourceBody, sourceWhere } from './sourceForm';

const ami: Source = {
  id: 7,
  name: 'pbx-ami',
  kind: 'asterisk-ami',
  format: 'asterisk-queue-log',
  path: null,
  host: 'pbx.example.net',
  port: 5038,
  time_zone: 'Europe/Berlin',
  username: 'callboard',
  secret_set: true,
  channel_template: 'PJSIP/{ext}',
  enabled: true,
};

describe('source form', () => {
  it('shows each kind only its own fields', () => {
    expect(kindFields('file-tail')).toEqual(['format', 'path']);
    expect(kindFields('3cx-tcp-connect')).toEqual(['host', 'port']);
    expect(kindFields('asterisk-ami')).toEqual(['host', 'port', 'username', 'secret', 'channel_template']);
    expect(kindFields('push')).toEqual([]);
    expect(fixedFormat('asterisk-ami')).toBe('asterisk-queue-log');
    expect(fixedFormat('3cx-tcp-listen')).toBe('3cx-cdr');
    expect(fixedFormat('file-tail')).toBeNull();
  });

  it('creates an AMI source with its fields and the defaults left to the server', () => {
    const f = { ...NEW_SOURCE, name: ' pbx-ami ', kind: 'asterisk-ami' as const, path: '/ignored', host: 'pbx.example.net', username: 'callboard', secret: 's3cret pass' };
    expect(sourceBody(f, 'create')).toEqual({
      name: 'pbx-ami',
      kind: 'asterisk-ami',
      format: 'asterisk-queue-log',
      host: 'pbx.example.net',
      username: 'callboard',
      secret: 's3cret pass',
    });
    expect(sourceBody({ ...f, port: '5039', channel_template: 'SIP/{ext}', time_zone: 'Europe/Berlin' }, 'create')).toEqual({
      name: 'pbx-ami',
      kind: 'asterisk-ami',
      format: 'asterisk-queue-log',
      host: 'pbx.example.net',
      port: 5039,
      username: 'callboard',
      secret: 's3cret pass',
      channel_template: 'SIP/{ext}',
      time_zone: 'Europe/Berlin',
    });
  });

  it('creates a file tail with the chosen format and a 3CX socket with its own', () => {
    expect(sourceBody({ ...NEW_SOURCE, name: 'ql', format: 'asterisk-cdr', path: '/var/log/asterisk/cdr.csv', host: 'x' }, 'create')).toEqual({
      name: 'ql',
      kind: 'file-tail',
      format: 'asterisk-cdr',
      path: '/var/log/asterisk/cdr.csv',
    });
    expect(sourceBody({ ...NEW_SOURCE, name: '3cx', kind: '3cx-tcp-listen', format: 'calls-csv', port: '7000' }, 'create')).toEqual({
      name: '3cx',
      kind: '3cx-tcp-listen',
      format: '3cx-cdr',
      port: 7000,
    });
  });

  it('never shows the stored secret and keeps it when an edit leaves it empty', () => {
    const f = formOf(ami);
    expect(f.secret).toBe('');
    expect(f.port).toBe('5038');
    const body = sourceBody(f, 'edit');
    expect(body).toEqual({ host: 'pbx.example.net', port: 5038, username: 'callboard', channel_template: 'PJSIP/{ext}', time_zone: 'Europe/Berlin' });
    expect('secret' in body).toBe(false);
    expect(sourceBody({ ...f, secret: 'new-one' }, 'edit').secret).toBe('new-one');
  });

  it('clears the port on an edit so the default applies', () => {
    expect(sourceBody({ ...formOf(ami), port: ' ' }, 'edit').port).toBeNull();
  });

  it('says where a source reads from', () => {
    expect(sourceWhere(ami)).toBe('callboard@pbx.example.net:5038');
    expect(sourceWhere({ ...ami, kind: 'file-tail', path: '/var/log/q.log', host: null })).toBe('/var/log/q.log');
    expect(sourceWhere({ ...ami, kind: '3cx-tcp-connect', host: '10.0.0.5', port: 5000 })).toBe('10.0.0.5:5000');
    expect(sourceWhere({ ...ami, kind: '3cx-tcp-listen', host: null, port: 7000 })).toBe('port 7000');
    expect(sourceWhere({ ...ami, kind: 'push', host: null, port: null })).toBe('—');
  });
});
