/**
 * Reading the admin API's OpenAPI document in tests: the operations it declares, and a check of an
 * answer against the schema the document gives for its route and status (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses it, with the document's `$ref`s resolved).
 */
import Ajv2020 from 'ajv/dist/2020.js';

export interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `GET /admin/stores/{code}/orders`-style keys of every operation the document declares. */
export function documentedOperations(doc: OpenApiDoc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** Checks answers against the document: the errors Ajv finds (none: the answer matches). */
export function answerChecker(doc: OpenApiDoc): (method: string, path: string, status: number, body: unknown) => string[] {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: 'admin-openapi.json' });
  const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
  return (method, path, status, body) => {
    const answer = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!answer?.content?.['application/json']) return [`the document declares no JSON answer ${status} for ${method} ${path}`];
    const validate = ajv.compile({
      $ref: `admin-openapi.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
    });
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(answer)'} ${e.message ?? ''}`);
  };
}
