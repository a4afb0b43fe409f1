import { parseInput } from "../shared/domain/commands/execute.js";

/*
 * Input is parsed by the command door (shared/domain/commands/execute.ts); the server's middlewares that
 * validate before any command (headers, idempotency keys) use the same function.
 */
export { zodDetails } from "../shared/domain/commands/execute.js";
export const parse = parseInput;
