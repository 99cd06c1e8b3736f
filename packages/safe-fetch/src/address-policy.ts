import ipaddr from 'ipaddr.js';

export type AddressVerdict =
  | { readonly allowed: true; readonly address: string; readonly family: 4 | 6; readonly loopback: boolean }
  | { readonly allowed: false; readonly address: string; readonly range: string };

/**
 * IPv4-compatible IPv6 (`::a.b.c.d`, RFC 4291 §2.5.5.1) is deprecated and never a real host's address, yet an
 * operating system may still route it to the IPv4 address it carries (`::a9fe:a9fe` is the cloud metadata address):
 * refused whatever it carries. `::` and `::1` lie in the same /96 and keep their own ranges.
 */
function isIpv4Compatible(address: string): boolean {
  if (!address.includes(':') || !ipaddr.IPv6.isValid(address)) return false;
  // ipaddr.js reads a dotted tail after `::` as IPv4-mapped (`::127.0.0.1` as `::ffff:127.0.0.1`); the WHATWG URL
  // parser keeps the bits as written, so the address is read through it first.
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return false; // a zone id (`fe80::1%eth0`): not this form; the range rules judge it
  }
  const parts = ipaddr.IPv6.parse(canonical).parts;
  const carried = (parts[6] ?? 0) * 0x10000 + (parts[7] ?? 0);
  return parts.slice(0, 6).every((part) => part === 0) && carried > 1;
}

/**
 * Decides whether the server may connect to an address. Only global unicast is allowed: loopback (when the caller
 * allows it), private (RFC 1918), 0.0.0.0/8, link-local (with cloud metadata at 169.254.169.254), CGNAT, multicast,
 * broadcast, reserved and documentation ranges, IPv6 unique-local and link-local, and every translation form
 * (IPv4-compatible, NAT64, 6to4, Teredo) are refused. IPv4-mapped IPv6 is judged as the IPv4 address it carries.
 */
export function checkAddress(address: string, options: { allowLoopback: boolean }): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, address, range: 'invalid' };
  if (isIpv4Compatible(address)) {
    return { allowed: false, address, range: 'ipv4Compatible' };
  }
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
