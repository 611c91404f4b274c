import { invokeMessages, listMessages, multiRunMessages, ownerSuffix, portInUse, runMessages, stopMessages, versionMessages } from './messages';

// These lines are dapr/cli's, word for word: README steps (ours and upstream's) match on them.
describe('Dapr-compatible lines', () => {
  it('run', () => {
    expect(runMessages.upWithApp).toBe("You're up and running! Both Dapr and your app logs will appear here.");
    expect(runMessages.upSidecarOnly).toBe("You're up and running! Dapr logs will appear here.");
    expect(runMessages.terminated).toBe('terminated signal received: shutting down');
    expect(runMessages.exitedDapr).toBe('Exited Dapr successfully');
    expect(runMessages.exitedApp).toBe('Exited App successfully');
    expect(runMessages.appExitedWithError(3)).toBe('The App process exited with error code: 3');
    expect(runMessages.daprPrefix).toBe('== DAPR == ');
    expect(runMessages.waitingForSidecar(3500, 20)).toBe('Waiting for the sidecar on port 3500 (up to 20s)');
    expect(runMessages.waitingForApp(3000, 60)).toBe('Waiting for the app to listen on port 3000 (up to 60s)');
  });

  it('multi-app run', () => {
    expect(multiRunMessages.validating('checkout')).toBe('Validating config and starting app "checkout"');
    expect(multiRunMessages.started('checkout', 3500, 50001)).toMatch(/^Started Dapr with app id "checkout". HTTP Port: 3500\./);
    // upstream READMEs match the start of the line (dapr/cli's wording)
    expect(multiRunMessages.started('checkout', 3500, 50001)).toBe('Started Dapr with app id "checkout". HTTP Port: 3500. gRPC Port: 50001');
    expect(runMessages.starting('nodeapp', 3500, 50001)).toBe('Starting Dapr with id nodeapp. HTTP Port: 3500. gRPC Port: 50001');
    expect(multiRunMessages.logDir('/x/.minidapr/logs')).toBe('Writing log files to directory : /x/.minidapr/logs');
    expect(multiRunMessages.appPrefix('checkout')).toBe('== APP - checkout == ');
    expect(multiRunMessages.daprPrefix('checkout')).toBe('== DAPR - checkout == ');
  });

  it('stop, list, invoke, version', () => {
    expect(stopMessages.stopped('nodeapp')).toBe('app stopped successfully: nodeapp');
    expect(stopMessages.notFound('nodeapp')).toBe("failed to stop app id nodeapp: couldn't find app id nodeapp");
    expect(stopMessages.noRunFileApps('/x/dapr.yaml')).toBe('Failed to stop Dapr and app processes: couldn\'t find apps with run file "/x/dapr.yaml"');
    expect(stopMessages.runFileStopped).toBe('Dapr and app processes stopped successfully');
    expect(listMessages.none).toBe('No Dapr instances found.');
    expect(invokeMessages.success).toBe('App invoked successfully');
    expect(versionMessages.cli('1.0.0')).toBe('CLI version: 1.0.0');
    expect(versionMessages.runtime('1.0.0')).toBe('Runtime version: 1.0.0');
  });
});

it('port conflicts name the flag, the port and the owner when known', () => {
  expect(portInUse('--dapr-http-port', 3500, ownerSuffix({ pid: 42, command: 'node server.js' }))).toMatch(
    /^--dapr-http-port: port 3500 is already in use by process 42 \(node server.js\); /,
  );
  expect(portInUse('--metrics-port', 9090, ownerSuffix(undefined))).toMatch(/^--metrics-port: port 9090 is already in use; /);
});

it('errors name the app id', () => {
  expect(invokeMessages.notRunning('orders')).toContain('app id orders');
  expect(runMessages.appNeverListened(3000, 5)).toContain('port 3000 within 5s');
});
