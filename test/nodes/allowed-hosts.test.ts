import { describe, expect, it } from 'vitest';
import { isHostAllowed } from '../../src/nodes/allowed-hosts.js';

const allowed = ['hooks.example.com', 'api.example.org:8443', 'LOCALHOST', '[::1]:9000', 'fd00::1'];

describe('isHostAllowed', () => {
  it.each([
    ['https://hooks.example.com/x'],
    ['http://hooks.example.com:1234/x'],
    ['https://HOOKS.example.com/x'],
    ['https://api.example.org:8443/x'],
    ['http://localhost:3000/'],
    ['http://[::1]:9000/'],
    ['http://[fd00::1]:80/'],
  ])('allows %s', (url) => {
    expect(isHostAllowed(new URL(url), allowed)).toBe(true);
  });

  it.each([
    ['https://other.example.com/x'],
    ['https://sub.hooks.example.com/x'],
    ['https://api.example.org/x'],
    ['https://api.example.org:8444/x'],
    ['http://[::1]:9001/'],
    ['ftp://hooks.example.com/x'],
    ['file:///etc/passwd'],
  ])('rejects %s', (url) => {
    expect(isHostAllowed(new URL(url), allowed)).toBe(false);
  });

  it('compares host:port entries with the default port of the scheme', () => {
    expect(isHostAllowed(new URL('https://secure.example.com/'), ['secure.example.com:443'])).toBe(true);
    expect(isHostAllowed(new URL('http://secure.example.com/'), ['secure.example.com:443'])).toBe(false);
  });

  it('rejects everything with an empty list', () => {
    expect(isHostAllowed(new URL('https://hooks.example.com/'), [])).toBe(false);
  });
});
