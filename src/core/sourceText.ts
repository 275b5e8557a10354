/** Reading source files as Ansible's loader does: UTF-8, a leading byte-order mark ignored, anything else refused. */
import type { Problem } from './errors.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decode a file's bytes as UTF-8 text without its BOM (editors on Windows write one; PyYAML skips it).
 * Invalid UTF-8 is a problem at the first bad byte: decoding leniently would turn it into U+FFFD and silently
 * write that replacement character into a config file on the host.
 */
export function decodeSource(bytes: Uint8Array, file: string): { text: string } | { problem: Problem } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const bad = firstInvalidByte(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad)).replace(/^\uFEFF/, '');
    const lines = before.split('\n');
    const line = lines.length;
    const col = (lines[lines.length - 1] ?? '').length + 1;
    return {
      problem: {
        file,
        line,
        col,
        message: `the file is not valid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad})`,
        hint: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
      },
    };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms and surrogates are refused by the strict decoder too; pointing at their lead byte is right.
    const len = need + 1;
    try {
      strict.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
}
