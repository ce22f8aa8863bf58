// What a tool's JSON Schema (from z.toJSONSchema) looks like on the wire. The `$schema` dialect marker is
// meta-data some OpenAI-compatible servers reject, and providers require an object schema at the top.

export function toolSchemaForWire(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  if (rest.type === undefined) return { type: 'object', properties: {}, ...rest };
  return rest;
}
