/**
 * Conformance: bindings.localstorage through the HTTP bindings API, on a root directory in a temp dir.
 * Claims every operation the binding has; the file name is fixed by the output metadata.
 */
import { componentYaml, runBindingsConformance, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

const root = tempDir('minidapr-bindings-localstorage-conf-');

afterAll(() => root.remove());

runBindingsConformance({
  bindingName: 'files',
  resources: { 'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: root.path }) },
  operations: ['create', 'get', 'list', 'delete', 'operations'],
  outputMetadata: { fileName: 'conformance/event.json' },
  // list takes a directory (contrib's suite sends every operation the same metadata; a file name fails here, as in Dapr).
  operationMetadata: { list: { fileName: 'conformance' } },
  knownFailures: {
    'delete-then-get': 'as in Dapr, get of a deleted file is an error ("file not found"), not an empty answer',
  },
});
