import { imageDefaults } from './image-defaults';

describe('imageDefaults', () => {
  it("keeps the final stage's ENTRYPOINT, CMD and ENV", () => {
    const d = imageDefaults(
      [
        'FROM node AS build',
        'ENV BUILD_ONLY=1',
        'CMD ["npm", "run", "build"]',
        '# the image',
        'FROM node',
        'ENV NODE_ENV=production \\',
        '    HOME_DIR="/home/a b"',
        'ENV LEGACY some value',
        'ENTRYPOINT ["node", "bin/minidaprd.js"]',
      ].join('\n'),
    );
    expect(d).toEqual({ entrypoint: ['node', 'bin/minidaprd.js'], cmd: undefined, env: { NODE_ENV: 'production', HOME_DIR: '/home/a b', LEGACY: 'some value' }, copies: [] });
  });

  it('reads CMD when there is no ENTRYPOINT', () => {
    expect(imageDefaults('FROM python\nENV PYTHONUNBUFFERED=1\nCMD ["python", "app.py"]\n')).toEqual({ cmd: ['python', 'app.py'], entrypoint: undefined, env: { PYTHONUNBUFFERED: '1' }, copies: [] });
  });

  it("maps the final stage's COPY destinations (after WORKDIR) back to context paths", () => {
    const d = imageDefaults(
      [
        'FROM node AS build',
        'COPY src ./src',
        'FROM python',
        'WORKDIR /app',
        'COPY q/app.py ./batch/app.py',
        'COPY --chown=1000 q/orders.json ./orders.json',
        'COPY --from=build /src/dist ./dist',
        'WORKDIR data',
        'COPY a.txt b.txt ./',
      ].join('\n'),
    );
    expect(d.copies).toEqual([
      { target: '/app/batch/app.py', source: 'q/app.py' },
      { target: '/app/orders.json', source: 'q/orders.json' },
      { target: '/app/data/a.txt', source: 'a.txt' },
      { target: '/app/data/b.txt', source: 'b.txt' },
    ]);
  });
});
