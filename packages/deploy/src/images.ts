/**
 * @module images
 * packages/deploy/images.yaml: the one list of image names and pinned tags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_DIR } from './repo';

export interface ImagesFile {
  base: Record<string, string>;
  built: Record<string, { image: string; dockerfile: string }>;
}

export function loadImages(file = join(PACKAGE_DIR, 'images.yaml')): ImagesFile {
  return parse(readFileSync(file, 'utf8')) as ImagesFile;
}

/** Every image reference the deployment files may use. */
export function allowedImages(images: ImagesFile): Set<string> {
  return new Set([...Object.values(images.base), ...Object.values(images.built).map((b) => b.image)]);
}

/** A reference is pinned when it has a tag other than latest/edge, or a digest. */
export function isPinned(ref: string): boolean {
  if (ref.includes('@sha256:')) return true;
  const tag = /:([^/:]+)$/.exec(ref)?.[1];
  return tag !== undefined && !['latest', 'edge', 'main', 'master'].includes(tag);
}
