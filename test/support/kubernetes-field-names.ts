/**
 * Field names the Kubernetes API does not know, found offline. kubernetes-models' JSON schemas
 * accept unknown fields (as the API's own OpenAPI schemas do), so a misspelt `readinesProbe`
 * would pass validate() and be refused only by the cluster's strict field validation at apply
 * time. Its TypeScript types do know every field, and TypeScript refuses unknown properties in an
 * object literal: each manifest object is typechecked as a literal of its kind's type.
 */
import path from 'node:path';
import ts from 'typescript';
import type { Manifest } from './kubernetes-manifests';

/** Where the generated module pretends to live, so that `kubernetes-models` resolves from the project. */
const VIRTUAL_FILE = path.resolve(__dirname, '__kubernetes_manifests__.mts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: true,
};

/** The module of a kind's type: `apps/v1` Deployment → `kubernetes-models/apps/v1/Deployment`, `v1` → the core group. */
function typeModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/**
 * Problems TypeScript finds in `manifests` typed as their kinds (unknown fields above all), each
 * naming its file and document; an empty list when there are none.
 */
export function fieldNameProblems(manifests: Manifest[]): string[] {
  const lines: string[] = [];
  const spans: Array<{ start: number; end: number; manifest: Manifest }> = [];
  let length = 0;
  const add = (text: string) => {
    lines.push(text);
    length += text.length + 1;
  };
  manifests.forEach((manifest, i) => {
    const { apiVersion, kind } = manifest.object;
    add(`import type { I${kind} as T${i} } from ${JSON.stringify(typeModule(apiVersion, kind))};`);
  });
  manifests.forEach((manifest, i) => {
    const start = length;
    add(`export const m${i}: T${i} = ${JSON.stringify(manifest.object, null, 2)};`);
    spans.push({ start, end: length, manifest });
  });
  const source = lines.join('\n');

  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    path.resolve(name) === VIRTUAL_FILE ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  host.fileExists = (name) => path.resolve(name) === VIRTUAL_FILE || fileExists(name);
  host.readFile = (name) => (path.resolve(name) === VIRTUAL_FILE ? source : readFile(name));

  const program = ts.createProgram([VIRTUAL_FILE], OPTIONS, host);
  const file = program.getSourceFile(VIRTUAL_FILE)!;
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return diagnostics.map((d) => {
    const span = spans.find((s) => d.start !== undefined && d.start >= s.start && d.start < s.end);
    const where = span ? `${span.manifest.file} document ${span.manifest.index} (${span.manifest.object.kind}/${span.manifest.object.metadata?.name})` : 'imports';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
