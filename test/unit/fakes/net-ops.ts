/**
 * An in-memory network port over a FakeContainerOps: each running container has a namespace with
 * iptables rules and root qdiscs, answered in the text formats iptables-save, ip and tc print. A
 * container that stops loses its namespace (and so its rules and qdiscs); when it runs again it
 * gets a fresh one under a new pid, as with Docker.
 */
import type { ExecResult, NetInfo, NetOps } from '../../../src/activities/net/ops';
import type { FakeContainerOps } from './container-ops';

export interface FakeNamespace {
  pid: number;
  /** iptables rules in chain order, as the tokens after `-A`. */
  rules: string[][];
  /** Interface -> its root qdisc, e.g. `netem 1a2: root ... delay 100ms`; absent means the default. */
  qdiscs: Record<string, string>;
}

const IFACES = ['lo', 'eth0'];
const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string, code = 1): ExecResult => ({ code, stdout: '', stderr });

export class FakeNetOps implements NetOps {
  private readonly namespaces = new Map<string, FakeNamespace>();
  private readonly published = new Map<string, Record<string, number>>();
  private nextPid = 5000;
  /** False: the kernel has no sch_netem, as on the project's CI machines. */
  netemAvailable = true;
  readonly commands: string[][] = [];

  constructor(private readonly ops: FakeContainerOps) {}

  /** Publishes a container port on loopback, e.g. a fake Toxiproxy's API. */
  publish(id: string, port: string, hostPort: number): void {
    this.published.set(id, { ...(this.published.get(id) ?? {}), [port]: hostPort });
  }

  /** The namespace of a running container (created on first look), undefined when it is not running. */
  namespaceOf(id: string): FakeNamespace | undefined {
    const c = this.ops.containers.get(id);
    if (!c?.running) {
      this.namespaces.delete(id);
      return undefined;
    }
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = { pid: this.nextPid++, rules: [], qdiscs: {} };
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  async info(id: string): Promise<NetInfo | undefined> {
    const c = this.ops.containers.get(id);
    if (!c) return undefined;
    const ns = this.namespaceOf(id);
    const published = this.published.get(id) ?? {};
    const index = [...this.ops.containers.keys()].indexOf(id) + 2;
    return {
      pid: ns?.pid ?? 0,
      project: c.labels['faultline.project'],
      addresses: { [`${c.labels['faultline.project']}_default`]: `172.20.0.${index}` },
      published,
      exposed: Object.keys(published),
    };
  }

  async inNetns(pid: number, argv: string[]): Promise<ExecResult> {
    this.commands.push([String(pid), ...argv]);
    const ns = [...this.namespaces.values()].find((n) => n.pid === pid);
    if (!ns) return fail(`nsenter: can't open '/proc/${pid}/ns/net': No such file or directory`);
    const [cmd, ...args] = argv;
    if (cmd === 'iptables-save') return ok(['*filter', ...ns.rules.map((r) => `-A ${r.map(quote).join(' ')}`), 'COMMIT'].join('\n') + '\n');
    if (cmd === 'iptables') return iptables(ns, args.slice(args[0] === '-w' ? 2 : 0));
    if (cmd === 'ip') return ok(IFACES.map((d, i) => `${i + 1}: ${d}${d === 'lo' ? '' : '@if9'}: <UP> mtu 1500`).join('\n') + '\n');
    if (cmd === 'tc') return this.tc(ns, args);
    return fail(`${cmd}: not found`, 127);
  }

  private tc(ns: FakeNamespace, args: string[]): ExecResult {
    const [, verb, , dev] = args; // qdisc <verb> dev <dev> root ...
    if (!IFACES.includes(dev)) return fail(`Cannot find device "${dev}"`, 1);
    const current = ns.qdiscs[dev];
    if (verb === 'show') return ok(`qdisc ${current ?? 'noqueue 0: root refcnt 2'}\n`);
    const handle = args[args.indexOf('handle') + 1];
    if (verb === 'add') {
      if (!this.netemAvailable) return fail('Error: Specified qdisc kind is unknown.', 2);
      if (current) return fail('Error: Exclusivity flag on, cannot modify.', 2);
      ns.qdiscs[dev] = `netem ${handle} root refcnt 2 limit 1000 ${args.slice(args.indexOf('netem') + 1).join(' ')}`;
      return ok();
    }
    if (verb === 'del') {
      if (!current?.startsWith(`netem ${handle} root`)) return fail('Error: Invalid handle.', 2);
      delete ns.qdiscs[dev];
      return ok();
    }
    return fail(`tc: unknown verb ${verb}`);
  }
}

function iptables(ns: FakeNamespace, args: string[]): ExecResult {
  const [op, chain, ...rest] = args;
  if (op === '-I') {
    const [pos, ...rule] = rest;
    ns.rules.splice(Number(pos) - 1, 0, [chain, ...rule]);
    return ok();
  }
  if (op === '-D') {
    const want = [chain, ...rest].join(' ');
    const i = ns.rules.findIndex((r) => r.join(' ') === want);
    if (i < 0) return fail('iptables: Bad rule (does a matching rule exist in that chain?).');
    ns.rules.splice(i, 1);
    return ok();
  }
  return fail(`iptables: unknown option ${op}`, 2);
}

/** iptables-save quotes comments. */
const quote = (t: string): string => (t.startsWith('faultline:') ? `"${t}"` : t);
