// A small real tmpfs for full-disk tests (the tests run as root): mounted under a temp folder,
// filled to the last byte with a filler file, freed, and always unmounted.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the filesystem says ENOSPC (big chunks, then smaller ones). */
  fill(): void;
  /** Deletes the filler: space is back. */
  free(): void;
  unmount(): void;
}

export function mountTmpfs(sizeMb: number): Tmpfs {
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (const chunk of [1 << 20, 1 << 16, 4096, 512, 1]) {
          const buf = Buffer.alloc(chunk, 1);
          for (;;) {
            try {
              writeSync(fd, buf);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw err;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', [dir]);
      } catch {
        execFileSync('umount', ['-l', dir]); // something still holds a file open: detach it anyway
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
