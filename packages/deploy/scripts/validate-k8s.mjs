// Validates Kubernetes objects against the kubernetes-models schemas (the OpenAPI schemas of the
// Kubernetes API, compiled). kubernetes-models is ESM-only, so src/k8s/schema.ts runs this file in
// a child process: objects as a JSON array on stdin, `{ index, errors[] }` lines as JSON on stdout.
// Objects whose apiVersion/kind kubernetes-models does not know get `unknown: true`.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const [index, obj] of objects.entries()) {
  const [group, version] = String(obj.apiVersion ?? '').includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const spec = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(spec))[obj.kind];
  } catch {
    results.push({ index, unknown: true, errors: [] });
    continue;
  }
  try {
    new Model(obj).validate();
    results.push({ index, errors: [] });
  } catch (err) {
    results.push({ index, errors: [String(err && err.message ? err.message : err)] });
  }
}
process.stdout.write(JSON.stringify(results));
