/**
 * What counts as loopback: the name `localhost`, or an IP literal in 127.0.0.0/8 or ::1, parsed as
 * numbers rather than matched as text (`127.999.1.1` is no address and went to DNS; `0177.0.0.1`
 * is octal to some resolvers). A name is only checked here as text: the activity that connects
 * resolves it and checks every address it resolves to with isLoopbackIp. Pure: safe in workflow code.
 */

/** The four octets of a dotted-quad literal; leading zeros are refused, some resolvers read octal. */
function ipv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 literal (`::` compression and a dotted-quad tail allowed). */
function ipv6(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (const [i, p] of parts.entries()) {
      const v4 = i === parts.length - 1 && p.includes('.') ? ipv4(p) : undefined;
      if (v4) out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined;
}

/** An IP literal (no brackets) in 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6 (::ffff:127.x.y.z). */
export function isLoopbackIp(ip: string): boolean {
  const v4 = ipv4(ip);
  if (v4) return v4[0] === 127;
  const g = ipv6(ip);
  if (!g) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6] >> 8 === 127;
}

/** `localhost`, a loopback IP literal, or a bracketed loopback IPv6 literal as URLs write it. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const bracketed = /^\[(.*)\]$/.exec(host);
  if (bracketed) return bracketed[1].includes(':') && isLoopbackIp(bracketed[1]);
  return isLoopbackIp(host);
}
