import { tempDir, type TempDir } from '@minidapr/testkit';
import { join } from 'node:path';
import { checkCopies, checkScripts, ignoredBy, parseDockerfile } from './dockerfile';

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG NODE_IMAGE=node:20-slim
FROM \${NODE_IMAGE} AS build
COPY app/package.json \\
  ./
RUN npm install
FROM \${NODE_IMAGE}
COPY --from=build /src/dist ./dist
COPY app/src ./src
CMD ["node", "dist/main/index.js"]
`;

describe('parseDockerfile', () => {
  it('reads global ARG defaults, stages, context copies and the final CMD', () => {
    const df = parseDockerfile(DOCKERFILE);
    expect(df.globalArgs).toEqual({ NODE_IMAGE: 'node:20-slim' });
    expect(df.froms).toEqual(['node:20-slim', 'node:20-slim']);
    expect(df.contextCopies).toEqual([
      { sources: ['app/package.json'], dest: './', line: 4 },
      { sources: ['app/src'], dest: './src', line: 9 },
    ]);
    expect(df.cmd).toEqual(['node', 'dist/main/index.js']);
  });
});

describe('checkCopies and checkScripts', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('minidapr-docker-')));
  afterEach(() => dir.remove());

  it('reports COPY sources that are missing or excluded by the .dockerignore', () => {
    dir.write({ 'app/Dockerfile': DOCKERFILE, 'app/Dockerfile.dockerignore': '*\n!app\napp/src\n', 'app/package.json': '{}', 'app/src/main/index.ts': '' });
    expect(checkCopies(join(dir.path, 'app/Dockerfile'), dir.path)).toEqual(['app/Dockerfile:9: COPY source app/src is excluded by the .dockerignore']);
    dir.write({ 'app/Dockerfile.dockerignore': '*\n!app\n' });
    expect(checkCopies(join(dir.path, 'app/Dockerfile'), dir.path)).toEqual([]);
    dir.write({ 'app/Dockerfile': DOCKERFILE.replace('app/src ./src', 'app/lib ./lib') });
    expect(checkCopies(join(dir.path, 'app/Dockerfile'), dir.path)).toEqual(['app/Dockerfile:9: COPY source app/lib does not exist in the build context']);
  });

  it('maps compiled scripts back to their TypeScript source', () => {
    dir.write({ 'v/main/index.ts': '', 'v/app.py': '' });
    expect(checkScripts(['node', 'dist/main/index.js'], join(dir.path, 'v'), 'x')).toEqual([]);
    expect(checkScripts(['python', 'app.py'], join(dir.path, 'v'), 'x')).toEqual([]);
    expect(checkScripts(['node', 'dist/other/index.js'], join(dir.path, 'v'), 'x')).toEqual(['x: runs dist/other/index.js, but v/other/index.ts does not exist']);
  });
});

describe('ignoredBy', () => {
  it('follows the last matching pattern, with ! re-including', () => {
    const patterns = ['*', '!quickstarts/a/http', 'quickstarts/a/http/node_modules', 'quickstarts/a/http/**/__pycache__'];
    expect(ignoredBy(patterns, 'README.md')).toBe(true);
    expect(ignoredBy(patterns, 'quickstarts/a/http/app.py')).toBe(false);
    expect(ignoredBy(patterns, 'quickstarts/a/http/node_modules/x')).toBe(true);
    expect(ignoredBy(patterns, 'quickstarts/a/http/x/__pycache__/y.pyc')).toBe(true);
  });
});
