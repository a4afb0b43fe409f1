import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { config } from "../../shared/config.js";

/** Refuses a document with more than `max` aliases (one costly field asked many times over). */
export function aliasLimit(max: number): ValidationRule {
  return (context) => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === max + 1) {
          context.reportError(
            new GraphQLError(`The query uses more than ${max} aliases.`, {
              nodes: [node],
              extensions: { code: "query_too_complex" },
            }),
          );
        }
      },
    };
  };
}

/**
 * The validation rules of every document, before anything runs: the alias limit, and in production
 * no introspection (the SDL is published in schema.graphql instead). Depth and cost are the
 * complexity plugin's (builder.ts); batches are yoga's `batching.limit`.
 */
export function documentLimits(): Plugin {
  const rules = [aliasLimit(config.GRAPHQL_MAX_ALIASES)];
  if (config.NODE_ENV === "production") rules.push(NoSchemaIntrospectionCustomRule);
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
