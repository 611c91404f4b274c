import { allowedImages, isPinned, loadImages } from './images';

describe('images', () => {
  it('treats latest, edge and untagged references as unpinned', () => {
    expect(isPinned('redis:7.4.5-alpine')).toBe(true);
    expect(isPinned('ghcr.io/minidapr/minidaprd:0.1.0')).toBe(true);
    expect(isPinned('redis@sha256:0123')).toBe(true);
    expect(isPinned('redis')).toBe(false);
    expect(isPinned('redis:latest')).toBe(false);
    expect(isPinned('localhost:5000/redis')).toBe(false);
  });

  it('lists only pinned images in images.yaml', () => {
    const all = [...allowedImages(loadImages())];
    expect(all.length).toBeGreaterThan(4);
    expect(all.filter((i) => !isPinned(i))).toEqual([]);
  });
});
