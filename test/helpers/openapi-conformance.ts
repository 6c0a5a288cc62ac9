import { Ajv2020 } from 'ajv/dist/2020.js';

export interface Recorded {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, any> }>>; components?: { schemas?: Record<string, unknown> } };

/**
 * Checks recorded answers against an OpenAPI 3.1 document: each request is matched to its
 * operation by path template and method, each answer to the response documented for its status,
 * and a JSON body validated against that response's schema. Returns one line per problem.
 */
export function responseChecker(document: OpenApi) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
  const templates = Object.keys(document.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+')}$`),
    literal: !path.includes('{'),
  }));
  const validators = new Map<unknown, ReturnType<typeof ajv.compile>>();
  const validatorFor = (schema: Record<string, unknown>) => {
    if (!validators.has(schema)) {
      const withRefs = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
      validators.set(schema, ajv.compile(withRefs));
    }
    return validators.get(schema)!;
  };

  return (recorded: Recorded[]): string[] => {
    const problems: string[] = [];
    for (const r of recorded) {
      const path = r.url.split('?')[0];
      const what = `${r.method} ${path} ${r.status}`;
      // Literal paths win over templates (`/api/admin/erasures/preview` over `/api/admin/erasures/{id}`).
      const template = templates.filter((t) => t.pattern.test(path)).sort((a, b) => Number(b.literal) - Number(a.literal))[0];
      const operation = template && document.paths[template.path][r.method.toLowerCase()];
      if (!operation) {
        problems.push(`${what}: no documented operation`);
        continue;
      }
      const response = operation.responses[String(r.status)] ?? operation.responses.default;
      if (!response) {
        problems.push(`${what}: status not documented`);
        continue;
      }
      const content = response.content as Record<string, { schema: Record<string, unknown> }> | undefined;
      if (!content) {
        if (r.body !== '') problems.push(`${what}: documented without a body, answered ${r.body.slice(0, 80)}`);
        continue;
      }
      const json = content['application/json'];
      if (!json) {
        if (!Object.keys(content).some((type) => r.contentType.startsWith(type))) problems.push(`${what}: answered ${r.contentType}, documented ${Object.keys(content)}`);
        continue;
      }
      const validate = validatorFor(json.schema);
      if (!validate(JSON.parse(r.body))) problems.push(`${what}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
    }
    return problems;
  };
}
