/** KINDRED_ICE_SERVERS for `kindred serve`: parsed, checked, and a clear error when it is wrong. */
import { describe, expect, it } from 'vitest';
import { iceServersOf } from './serve.ts';

describe('KINDRED_ICE_SERVERS', () => {
  it('is optional', () => {
    expect(iceServersOf({})).toEqual({});
    expect(iceServersOf({ KINDRED_ICE_SERVERS: ' ' })).toEqual({});
  });
  it('gives STUN and TURN servers to the video service', () => {
    const env = { KINDRED_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"},{"urls":["turn:turn.example.org:3478","turns:turn.example.org:5349"],"username":"kindred","credential":"secret"}]' };
    expect(iceServersOf(env)).toEqual({
      video: {
        iceServers: [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], username: 'kindred', credential: 'secret' }],
      },
    });
  });
  it('says what is wrong', () => {
    expect(() => iceServersOf({ KINDRED_ICE_SERVERS: '[{urls:' })).toThrow(/KINDRED_ICE_SERVERS must be JSON/);
    expect(() => iceServersOf({ KINDRED_ICE_SERVERS: '{"urls":"stun:x"}' })).toThrow(/must be a list/);
    expect(() => iceServersOf({ KINDRED_ICE_SERVERS: '[{"urls":"http://x"}]' })).toThrow(/stun:, turn: or turns:/);
    expect(() => iceServersOf({ KINDRED_ICE_SERVERS: '[{"urls":"turn:x"}]' })).toThrow(/username" and "credential"/);
  });
});
