import { createInterface } from 'node:readline/promises';
import { OptionsError } from '../core/errors.js';

/** Ask for a secret on the terminal without echoing it; refuses when there is no terminal (CI, pipes). */
export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new OptionsError(`${question.trim()} needs a terminal; pass the value through a variable instead (e.g. -e @secrets.yml)`);
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new OptionsError('interrupted'));
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    input.on('data', onData);
  });
}

/** Ask for a visible answer on the terminal (vars_prompt with private: false). */
export async function promptLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
