import { checkSidecarArgs } from './sidecar-args';

describe('checkSidecarArgs', () => {
  it('accepts a container command line and returns the options minidaprd would run with', () => {
    const r = checkSidecarArgs(['--app-id', 'nodeapp', '--app-port', '3000', '--dapr-listen-addresses', '0.0.0.0', '--resources-path', '/components'], 'compose.yaml: nodeapp-dapr');
    expect(r.problems).toEqual([]);
    expect(r.options).toMatchObject({ appId: 'nodeapp', appPort: 3000, listenAddresses: ['0.0.0.0'], resourcesPaths: ['/components'] });
  });

  it('reports errors and warnings, naming the source', () => {
    const r = checkSidecarArgs(['--app-id', 'a', '--app-port', 'x', '--resource-path', '/c'], 'k8s/x: Deployment/a');
    expect(r.options).toBeUndefined();
    expect(r.problems).toEqual([
      'k8s/x: Deployment/a: --app-port: must be a whole number from 0 to 65535, got "x"',
      'k8s/x: Deployment/a: warning: unknown flag --resource-path ignored',
    ]);
  });

  it('flags a command line that only prints the version', () => {
    expect(checkSidecarArgs(['--version'], 'c').problems).toEqual(['c: --version makes minidaprd print and exit']);
  });
});
