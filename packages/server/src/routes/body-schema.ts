/**
 * The JSON schema of a request body: these properties, all required but `optional`, nothing
 * else (an unknown field is refused, naming it).
 */
export function bodySchema(properties: Record<string, unknown>, optional: readonly string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}
