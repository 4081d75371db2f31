// Holds the OpenAPI document a running ballast serves to the public RealWorld spec: the same operations, the same
// success status for each, and a token where the spec asks for one (operations the spec leaves open may take one as
// an option). The project's own tests hold the same facts (OpenApiTest's contract); this is where they meet the spec.
// Usage: node .ci/openapi-check.js SPEC.yml http://127.0.0.1:PORT   (js-yaml on NODE_PATH; .ci/conformance runs it)
const fs = require('fs');
const yaml = require('js-yaml');

const [specFile, base] = process.argv.slice(2);
const methods = new Set(['get', 'put', 'post', 'delete', 'patch']);

function operations(document, prefix) {
  const found = new Map();
  for (const [path, item] of Object.entries(document.paths || {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (methods.has(method) && (prefix + path).startsWith('/api/')) {
        found.set(`${method.toUpperCase()} ${prefix}${path}`, operation);
      }
    }
  }
  return found;
}

const success = operation => Object.keys(operation.responses || {}).filter(status => status.startsWith('2')).join(',');
const token = operation => JSON.stringify(operation.security || []);

(async () => {
  const spec = operations(yaml.load(fs.readFileSync(specFile, 'utf8')), '/api');
  const response = await fetch(`${base}/q/openapi?format=json`);
  const served = operations(await response.json(), '');
  const problems = [];
  for (const name of spec.keys()) if (!served.has(name)) problems.push(`${name}: in the spec, not served`);
  for (const name of served.keys()) if (!spec.has(name)) problems.push(`${name}: served, not in the spec`);
  for (const [name, specified] of spec) {
    const documented = served.get(name);
    if (!documented) continue;
    if (success(specified) !== success(documented)) {
      problems.push(`${name}: success ${success(documented)}, the spec says ${success(specified)}`);
    }
    const expected = specified.security ? ['[{"Token":[]}]'] : ['[]', '[{},{"Token":[]}]'];
    if (!expected.includes(token(documented))) {
      problems.push(`${name}: security ${token(documented)}, the spec says ${token(specified)}`);
    }
  }
  console.log(`openapi-check: ${spec.size} operations in ${specFile}, ${served.size} served, ${problems.length} differences`);
  problems.forEach(problem => console.log(`  ${problem}`));
  process.exit(problems.length === 0 ? 0 : 1);
})().catch(error => { console.log(`openapi-check: ${error}`); process.exit(1); });
