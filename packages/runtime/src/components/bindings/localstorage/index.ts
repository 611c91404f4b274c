/**
 * @module components/bindings/localstorage
 * bindings.localstorage (output): files under rootPath. Operations `create` (request metadata
 * `fileName`, a UUID when absent; data unquoted if it is a quoted string, then base64-decoded if it is
 * valid base64 — Dapr's quirk), `get` (raw bytes), `list` (JSON array of absolute file paths under
 * `fileName` or the root) and `delete`. File names never lead outside rootPath: checked by name first
 * (paths.ts), then on the opened descriptor, so a symlink swapped in meanwhile changes nothing (confine.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { MetadataError } from '../../errors';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import { COMPONENT, isForbiddenRoot, parseLocalStorageMetadata } from './metadata';
import { listInside, openForRead, openForWrite, unlinkInside } from './confine';
import { PathEscapeError, securePath } from './paths';

export const LOCALSTORAGE_OPERATIONS = ['create', 'get', 'list', 'delete'] as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's strconv.Unquote for the forms JSON data arrives in ("…" and `…`); undefined when not quoted. */
export function goUnquote(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    const inner = text.slice(1, -1);
    return inner.includes('`') ? undefined : inner.replace(/\r/g, '');
  }
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"') || text.includes('\\/')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes `create` writes: unquoted when quoted, then base64-decoded when valid base64 (as Dapr). */
export function fileContent(data: Buffer): Buffer {
  let bytes = data;
  const unquoted = goUnquote(data.toString('utf8'));
  if (unquoted !== undefined) bytes = Buffer.from(unquoted);
  const text = bytes.toString('latin1').replace(/[\r\n]/g, '');
  return BASE64.test(text) ? Buffer.from(text, 'base64') : bytes;
}

export class LocalStorageBinding implements OutputBinding {
  private root = '';

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    const { rootPath } = parseLocalStorageMetadata(metadata, ctx.cwd);
    try {
      await mkdir(rootPath, { recursive: true });
      this.root = await realpath(rootPath);
    } catch (err) {
      throw new MetadataError(COMPONENT, 'rootPath', `"${rootPath}" cannot be created: ${(err as Error).message}`);
    }
    if (isForbiddenRoot(this.root)) throw new MetadataError(COMPONENT, 'rootPath', `"${rootPath}" resolves to ${this.root}, which is not allowed`);
  }

  async close(): Promise<void> {}

  features(): readonly string[] {
    return [];
  }

  operations(): readonly string[] {
    return LOCALSTORAGE_OPERATIONS;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    if (!this.root) throw new Error('bindings.localstorage: invoke() before init()');
    const given = req.metadata.fileName ?? '';
    switch (req.operation) {
      case 'create':
        return this.create(given === '' ? randomUUID() : given, req.data);
      case 'get':
        return this.get(this.required(given, 'get'));
      case 'list':
        return this.list(given);
      case 'delete':
        return this.remove(this.required(given, 'delete'));
      default:
        throw new Error(`unsupported operation ${req.operation}`);
    }
  }

  private required(fileName: string, operation: string): string {
    if (fileName === '') throw new Error(`metadata fileName is required for ${operation}`);
    return fileName;
  }

  private async create(fileName: string, data: Buffer): Promise<InvokeResponse> {
    const abs = await securePath(this.root, fileName);
    if (abs === this.root) throw new PathEscapeError(fileName, this.root, 'it names the root directory itself');
    const { dirParts, name } = split(this.root, abs);
    let opened;
    try {
      opened = await openForWrite(this.root, fileName, dirParts, name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new Error(`cannot create file ${abs}: it is a directory`);
      throw err;
    }
    try {
      await opened.handle.writeFile(fileContent(data));
    } finally {
      await opened.handle.close();
    }
    this.logger.debug(`created ${opened.real}`);
    return { data: Buffer.from(JSON.stringify({ fileName: relative(this.root, opened.real) })) };
  }

  private async get(fileName: string): Promise<InvokeResponse> {
    const abs = await securePath(this.root, fileName);
    const { dirParts, name } = split(this.root, abs);
    try {
      const handle = await openForRead(this.root, fileName, dirParts, name);
      try {
        return { data: await handle.readFile() };
      } finally {
        await handle.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`file not found: ${abs}`);
      if (code === 'EISDIR') throw new Error(`cannot read ${abs}: it is a directory`);
      throw err;
    }
  }

  private async list(fileName: string): Promise<InvokeResponse> {
    const abs = await securePath(this.root, fileName);
    const s = await stat(abs).catch(() => undefined);
    if (!s) throw new Error(`file not found: ${abs}`);
    if (!s.isDirectory()) throw new Error(`unable to list files as the file specified is not a directory [${abs}]`);
    let files: string[];
    try {
      files = await listInside(this.root, fileName, relative(this.root, abs).split(sep), abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`file not found: ${abs}`);
      throw err;
    }
    return { data: Buffer.from(JSON.stringify(files)) };
  }

  private async remove(fileName: string): Promise<undefined> {
    const abs = await securePath(this.root, fileName);
    if (abs === this.root) throw new PathEscapeError(fileName, this.root, 'it names the root directory itself');
    const { dirParts, name } = split(this.root, abs);
    try {
      await unlinkInside(this.root, fileName, dirParts, name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new Error(`file not found: ${abs}`);
      if (code === 'EISDIR' || code === 'EPERM') throw new Error(`cannot delete ${abs}: it is a directory`);
      throw err;
    }
    return undefined;
  }
}

/** The directories between the root and `abs`, and its last part. */
function split(root: string, abs: string): { dirParts: string[]; name: string } {
  const parts = relative(root, abs).split(sep);
  return { dirParts: parts.slice(0, -1), name: parts[parts.length - 1] ?? '' };
}

export function createLocalStorageBinding(ctx: FactoryContext): LocalStorageBinding {
  return new LocalStorageBinding(ctx.logger);
}
