/**
 * Matching of request URLs against config `http.allowed_hosts`. An entry is a host name,
 * which allows any port, or `host:port`. IPv6 addresses are written in brackets when a
 * port follows (`[::1]:8080`). Host names compare case-insensitively.
 */

interface HostRule {
  host: string;
  port?: string;
}

function parseEntry(entry: string): HostRule {
  const lower = entry.trim().toLowerCase();
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(lower);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  // A bare IPv6 address has several colons and no port.
  if ((lower.match(/:/g) ?? []).length > 1) return { host: `[${lower}]` };
  const withPort = /^(.+):(\d+)$/.exec(lower);
  if (withPort) return { host: withPort[1], port: withPort[2] };
  return { host: lower };
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}

/** Returns whether `url` may be requested: http(s) only, and its host matches an entry. */
export function isHostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  const port = effectivePort(url);
  return allowedHosts.some((entry) => {
    const rule = parseEntry(entry);
    return rule.host === host && (rule.port === undefined || Number(rule.port) === Number(port));
  });
}
