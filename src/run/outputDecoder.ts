import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

/**
 * Turns a command's output chunks into text per stream. A UTF-8 character split across two chunks (common
 * with SSH window sizes) stays whole instead of becoming two U+FFFD in the streamed -vv/--json output.
 */
export function createOutputDecoder(emit: (stream: OutputStream, text: string) => void): {
  push(stream: OutputStream, chunk: Buffer): void;
  end(): void;
} {
  const decoders = new Map<OutputStream, StringDecoder>();
  return {
    push(stream, chunk) {
      let d = decoders.get(stream);
      if (!d) decoders.set(stream, (d = new StringDecoder('utf8')));
      const text = d.write(chunk);
      if (text !== '') emit(stream, text);
    },
    end() {
      for (const [stream, d] of decoders) {
        const rest = d.end();
        if (rest !== '') emit(stream, rest);
      }
      decoders.clear();
    },
  };
}
