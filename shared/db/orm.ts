import { MikroORM, type Options } from "@mikro-orm/postgresql";
import { ormOptions } from "./ormConfig.js";

export type Orm = MikroORM;

export async function initOrm(overrides: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(overrides));
}
