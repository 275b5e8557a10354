// A tiny RESP server on 127.0.0.1 for the Redis modules' tests: scripted replies, every command recorded.
import { createServer, type Server, type Socket } from 'node:net';

export type RespValue = string | number | null | RespValue[] | { simple: string } | { error: string };

export interface FakeRedis {
  port: number;
  commands: string[][];
  close(): Promise<void>;
}

function encode(v: RespValue): string {
  if (v === null) return '$-1\r\n';
  if (typeof v === 'number') return `:${v}\r\n`;
  if (typeof v === 'string') return `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
  if (Array.isArray(v)) return `*${v.length}\r\n${v.map(encode).join('')}`;
  if ('simple' in v) return `+${v.simple}\r\n`;
  return `-${v.error}\r\n`;
}

/** Parses as many complete RESP arrays as the buffer holds; returns them and the unread rest. */
function parse(buf: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let pos = 0;
  for (;;) {
    const start = pos;
    const line = (): string | undefined => {
      const end = buf.indexOf('\r\n', pos);
      if (end < 0) return undefined;
      const s = buf.subarray(pos, end).toString();
      pos = end + 2;
      return s;
    };
    const head = line();
    if (head === undefined || !head.startsWith('*')) return { commands, rest: buf.subarray(start) };
    const n = Number(head.slice(1));
    const words: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = line();
      if (len === undefined) return { commands, rest: buf.subarray(start) };
      const size = Number(len.slice(1));
      if (buf.length < pos + size + 2) return { commands, rest: buf.subarray(start) };
      words.push(buf.subarray(pos, pos + size).toString());
      pos += size + 2;
    }
    commands.push(words);
  }
}

export async function startFakeRedis(reply: (cmd: string[]) => RespValue): Promise<FakeRedis> {
  const commands: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      const { commands: cmds, rest } = parse(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const c of cmds) {
        commands.push(c);
        socket.write(encode(reply(c)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    commands,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
