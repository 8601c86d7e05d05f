/** JSON-safe value, as stored and sent. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
/** Properties or traits, as the host passes them (normalised before storing). */
export type Properties = Record<string, unknown>
