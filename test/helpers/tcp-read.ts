import { connect } from 'node:net';

export interface FirstRead {
  /** What arrived first, if anything. */
  data?: string;
  /** How the wait ended: data, the peer closed or reset, or nothing within `waitMs`. */
  end: 'data' | 'closed' | 'error' | 'silent';
  error?: string;
  elapsedMs: number;
}

/** Connects to 127.0.0.1:port and reports what the server sends first (NATS sends INFO at once). */
export function firstRead(port: number, waitMs: number): Promise<FirstRead> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1');
    let done = false;
    const finish = (r: Omit<FirstRead, 'elapsedMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ ...r, elapsedMs: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish({ end: 'silent' }), waitMs);
    s.once('data', (d) => finish({ end: 'data', data: d.toString('utf8') }));
    s.once('end', () => finish({ end: 'closed' }));
    s.once('close', () => finish({ end: 'closed' }));
    s.once('error', (e) => finish({ end: 'error', error: e.message }));
  });
}
