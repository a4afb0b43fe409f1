/** The TypeScript declarations (paths, components, operations) of an OpenAPI 3.1 document object. */
export function generateTypes(document: object): Promise<string>;
