import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from './tail';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('emits whole lines as they are appended, keeping a partial line (and a split UTF-8 character) until it ends', () => {
  const file = join(dir, 'a.log');
  writeFileSync(file, 'one\ntw');
  const lines: string[] = [];
  const tail = new FileTail(file, (l) => lines.push(l));
  expect(tail.readNew()).toBe(true);
  expect(lines).toEqual(['one']);
  const euro = Buffer.from('€');
  appendFileSync(file, Buffer.concat([Buffer.from('o\r\nthree '), euro.subarray(0, 1)]));
  tail.readNew();
  expect(lines).toEqual(['one', 'two']);
  appendFileSync(file, Buffer.concat([euro.subarray(1), Buffer.from('\nfour')]));
  tail.readNew();
  expect(lines).toEqual(['one', 'two', 'three €']);
  tail.flush();
  expect(lines).toEqual(['one', 'two', 'three €', 'four']);
});

it('starts again from the top when the file was replaced by a shorter one', () => {
  const file = join(dir, 'b.log');
  writeFileSync(file, 'old line 1\nold line 2\n');
  const lines: string[] = [];
  const tail = new FileTail(file, (l) => lines.push(l));
  tail.readNew();
  writeFileSync(file, 'new\n');
  tail.readNew();
  expect(lines).toEqual(['old line 1', 'old line 2', 'new']);
});

it('reports a missing file', () => {
  expect(new FileTail(join(dir, 'none.log'), () => {}).readNew()).toBe(false);
});
