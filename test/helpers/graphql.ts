import { ClientError, GraphQLClient } from "graphql-request";

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; details?: { path: string; message: string }[]; [key: string]: unknown };
}

export interface GraphqlResult<T = any> {
  data: T | null | undefined;
  errors: GraphqlError[];
  status: number;
}

/**
 * A real GraphQL client (graphql-request) on the app's /graphql, errors included in the result
 * (errorPolicy "all") so tests can assert their codes. `token` signs the request as that user.
 */
export function graphqlClient(base: string | (() => string)) {
  const url = () => `${typeof base === "string" ? base : base()}/graphql`;
  return async function gql<T = any>(
    document: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphqlResult<T>> {
    const client = new GraphQLClient(url(), {
      errorPolicy: "all",
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    try {
      const result = await client.rawRequest<T>(document, variables);
      return { data: result.data, errors: (result.errors ?? []) as GraphqlError[], status: result.status };
    } catch (err) {
      // A request refused as a whole (a bad document or variable: HTTP 400) still carries GraphQL errors.
      if (!(err instanceof ClientError)) throw err;
      const { response } = err;
      return {
        data: response.data as T | undefined,
        errors: (response.errors ?? []) as GraphqlError[],
        status: response.status,
      };
    }
  };
}

/** The codes of a result's errors, in order. */
export const codesOf = (result: GraphqlResult) => result.errors.map((e) => e.extensions?.code);
