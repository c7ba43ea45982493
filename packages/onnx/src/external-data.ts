/**
 * External tensor data, read under strict rules: a location names a regular file inside the model's
 * folder, reached without symlinks, not hard-linked, opened once with O_NOFOLLOW and read from that fd.
 * These rules close the path-traversal and file-swap holes other runtimes had (CVE-2022-25882,
 * CVE-2024-27318, GHSA-q56x-g2fj-4rj6).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, posix, win32 } from 'node:path';
import { ExternalDataError, ResourceLimitError, TensorDataError } from '@lastmile/core';
import type { onnx } from './generated/onnx.js';

/** Where an external tensor's bytes are, as parsed from its `external_data` entries. */
interface ExternalRef {
  location: string;
  offset: number;
  length?: number;
}

interface OpenFile {
  fd: number;
  size: number;
}

const KNOWN_KEYS = new Set(['location', 'offset', 'length', 'checksum']);
// Characters Windows forbids in names (':' also catches drive letters and NTFS streams; '*' ORT's magic locations).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
const FORBIDDEN_CHARS = /[*?<>|":\u0000-\u001f]/;

function fail(what: string, location: string | undefined, reason: string, extra: Record<string, unknown> = {}): never {
  throw new ExternalDataError(`external data of ${what}: ${reason}`, {
    tensor: what,
    ...(location !== undefined ? { location } : {}),
    reason,
    ...extra,
  });
}

/** Why a location is refused, or undefined when it is a plain relative path inside the folder. */
function locationProblem(location: string): string | undefined {
  if (location === '') return 'the location is empty';
  if (location.includes('\u0000')) return 'the location contains a NUL byte';
  if (/^[\\/]{2}/.test(location)) return 'UNC and network paths are not allowed';
  if (posix.isAbsolute(location) || win32.isAbsolute(location))
    return 'absolute paths are not allowed; give a path relative to the model folder';
  if (/^[A-Za-z]:/.test(location)) return 'drive-letter paths are not allowed';
  if (location.includes('*')) return `'${location}' is a magic location (like ORT's */_ORT_MEM_ADDR_/*), not a file`;
  const parts = location.split(/[\\/]/);
  if (parts.includes('..')) return "'..' is not allowed: external data must stay inside the model folder";
  if (FORBIDDEN_CHARS.test(location)) return 'the location contains characters not allowed in file names';
  if (parts.every((p) => p === '' || p === '.')) return 'the location names no file';
  return undefined;
}

function parseNonNegative(value: string, key: string, what: string, location: string | undefined): number {
  if (!/^\d{1,16}$/.test(value))
    fail(what, location, `${key} '${value}' must be a non-negative decimal integer`, { key, got: value });
  const n = Number(value);
  if (!Number.isSafeInteger(n)) fail(what, location, `${key} ${value} is too large`, { key, got: value });
  return n;
}

/** Parses `external_data` into a fresh record; unknown keys (`__proto__` included) are skipped, duplicates refused. */
function parseRef(entries: readonly onnx.StringStringEntryProto.$Properties[], what: string): ExternalRef {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const key = entry.key ?? '';
    if (!KNOWN_KEYS.has(key)) continue;
    if (seen.has(key)) fail(what, seen.get('location'), `key '${key}' is given twice`, { key });
    seen.set(key, entry.value ?? '');
  }
  const location = seen.get('location');
  if (location === undefined) fail(what, undefined, "no 'location' key");
  const problem = locationProblem(location);
  if (problem !== undefined) fail(what, location, problem);
  const offset = seen.get('offset');
  const length = seen.get('length');
  return {
    location,
    offset: offset === undefined ? 0 : parseNonNegative(offset, 'offset', what, location),
    ...(length === undefined ? {} : { length: parseNonNegative(length, 'length', what, location) }),
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The external-data files of one model load: each opened once, all closed by {@link close}. */
export class ExternalDataFiles {
  private readonly files = new Map<string, OpenFile>();
  private root: string | undefined;

  /** `baseDir` undefined: the model came from bytes with no folder, and any external data is refused. */
  constructor(private readonly baseDir: string | undefined) {}

  /** Reads the `byteLength` bytes of tensor `what` described by `entries`. */
  read(what: string, entries: readonly onnx.StringStringEntryProto.$Properties[], byteLength: number): Uint8Array {
    const ref = parseRef(entries, what);
    if (this.baseDir === undefined) {
      fail(
        what,
        ref.location,
        'the model was loaded from bytes without a baseDir; pass options.baseDir to allow external data',
      );
    }
    const file = this.open(ref.location, what);
    if (ref.offset > file.size) {
      fail(what, ref.location, `offset ${ref.offset} is past the end of the file (${file.size} bytes)`, {
        offset: ref.offset,
        fileSize: file.size,
      });
    }
    const length = ref.length ?? file.size - ref.offset;
    if (ref.offset + length > file.size) {
      fail(
        what,
        ref.location,
        `offset ${ref.offset} + length ${length} runs past the end of the file (${file.size} bytes)`,
        {
          offset: ref.offset,
          length,
          fileSize: file.size,
        },
      );
    }
    if (length !== byteLength) {
      throw new TensorDataError(`external data of ${what} has ${length} bytes, its type and dims need ${byteLength}`, {
        tensor: what,
        location: ref.location,
        expected: byteLength,
        got: length,
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(length);
    } catch (error) {
      // A file may be far larger than memory (a sparse file, say): that is a resource limit, not a crash.
      throw new ResourceLimitError(
        `external data of ${what} needs ${length} bytes, more than can be allocated`,
        { tensor: what, got: length },
        { cause: error },
      );
    }
    let done = 0;
    while (done < length) {
      const n = readSync(file.fd, bytes, done, length - done, ref.offset + done);
      if (n === 0)
        fail(what, ref.location, `the file ended after ${ref.offset + done} bytes while reading`, {
          offset: ref.offset + done,
        });
      done += n;
    }
    return bytes;
  }

  /** Closes every file opened. */
  close(): void {
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
  }

  private rootDir(what: string, location: string): string {
    if (this.root === undefined) {
      try {
        this.root = realpathSync(this.baseDir as string);
      } catch (error) {
        fail(what, location, `the base folder '${this.baseDir}' cannot be resolved (${(error as Error).message})`);
      }
    }
    return this.root;
  }

  private open(location: string, what: string): OpenFile {
    const parts = location.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
    const key = parts.join('/');
    const cached = this.files.get(key);
    if (cached) return cached;

    // Walk the path one component at a time with lstat: no symlink anywhere, folders then one regular file.
    let path = this.rootDir(what, location);
    let stat: Stats | undefined;
    for (let i = 0; i < parts.length; i++) {
      path = join(path, parts[i]);
      try {
        stat = lstatSync(path);
      } catch (error) {
        fail(
          what,
          location,
          `'${parts.slice(0, i + 1).join('/')}' cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      const last = i === parts.length - 1;
      if (stat.isSymbolicLink())
        fail(what, location, `'${parts.slice(0, i + 1).join('/')}' is a symbolic link; symlinks are not followed`);
      if (!last && !stat.isDirectory()) fail(what, location, `'${parts.slice(0, i + 1).join('/')}' is not a folder`);
      if (last && !stat.isFile()) fail(what, location, 'it is not a regular file (a folder, FIFO, socket or device)');
      if (last && stat.nlink > 1)
        fail(what, location, `the file has ${stat.nlink} hard links; hard-linked data files are refused`, {
          nlink: stat.nlink,
        });
    }

    // O_NOFOLLOW: the last component cannot have become a symlink since; O_NONBLOCK: nor a FIFO that blocks open().
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      fail(what, location, `the file cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.nlink > 1 || !sameFile(opened, stat as Stats)) {
      closeSync(fd);
      fail(what, location, 'the file changed while it was being opened');
    }
    const file = { fd, size: opened.size };
    this.files.set(key, file);
    return file;
  }
}
