/**
 * A Postgres server just deep enough for one probe: asks for a cleartext password (so the test sees
 * exactly what the client sent), then answers every simple query with one int4 column `value` = 1.
 * Lets workflow tests run the real postgres probe without a database.
 */
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';

export interface FakePostgres {
  port: number;
  /** Every password a client sent, in order. */
  passwords: string[];
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), len, body]);
}
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const cstr = (s: string) => Buffer.from(`${s}\0`);

const ready = message('Z', Buffer.from('I'));
const rowDescription = message('T', Buffer.concat([int16(1), cstr('value'), int32(0), int16(0), int32(23), int16(4), int32(-1), int16(0)]));
const dataRow = message('D', Buffer.concat([int16(1), int32(1), Buffer.from('1')]));
const complete = message('C', cstr('SELECT 1'));

function serve(socket: Socket, passwords: string[]): void {
  let buf = Buffer.alloc(0);
  let started = false;
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (!started) {
        if (buf.length < 4 || buf.length < buf.readInt32BE(0)) return;
        buf = buf.subarray(buf.readInt32BE(0));
        started = true;
        socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
        continue;
      }
      if (buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
      const type = String.fromCharCode(buf[0]);
      const body = buf.subarray(5, 1 + buf.readInt32BE(1));
      buf = buf.subarray(1 + buf.readInt32BE(1));
      if (type === 'p') {
        passwords.push(body.subarray(0, body.length - 1).toString('utf8'));
        socket.write(Buffer.concat([message('R', int32(0)), ready]));
      } else if (type === 'Q') {
        socket.write(Buffer.concat([rowDescription, dataRow, complete, ready]));
      } else if (type === 'X') {
        socket.end();
      }
    }
  });
}

export async function startFakePostgres(): Promise<FakePostgres> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    serve(s, passwords);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    passwords,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
