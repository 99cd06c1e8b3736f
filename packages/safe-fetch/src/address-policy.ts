import ipaddr from 'ipaddr.js';

export type AddressVerdict =
  | { readonly allowed: true; readonly address: string; readonly family: 4 | 6; readonly loopback: boolean }
  | { readonly allowed: false; readonly address: string; readonly range: string };

/**
 * Decides whether the server may connect to an address. Only global unicast is allowed: loopback (when the caller
 * allows it), private (RFC 1918), 0.0.0.0/8, link-local (with cloud metadata at 169.254.169.254), CGNAT, multicast,
 * broadcast, reserved and documentation ranges, IPv6 unique-local and link-local, and every translation form
 * (IPv4-mapped, NAT64, 6to4, Teredo) are refused. IPv4-mapped IPv6 is judged as the IPv4 address it carries.
 */
export function checkAddress(address: string, options: { allowLoopback: boolean }): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, address, range: 'invalid' };
  // process() turns ::ffff:10.0.0.1 into 10.0.0.1, so mapped forms meet the IPv4 rules.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  const family = parsed.kind() === 'ipv4' ? 4 : 6;
  const normalised = parsed.toString();
  if (range === 'unicast') return { allowed: true, address: normalised, family, loopback: false };
  if (range === 'loopback' && options.allowLoopback)
    return { allowed: true, address: normalised, family, loopback: true };
  return { allowed: false, address: normalised, range };
}

/** Whether a URL host is an IP literal (`10.0.0.1`, `[::1]`), which needs no lookup. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}
