import { config } from "../../config.js";
import type { PlatformFees } from "./priceStay.js";

/** SERVICE_FEE_PERCENT and TAX_PERCENT as the pricing function takes them (basis points: exact integers). */
export function platformFees(): PlatformFees {
  return {
    serviceFeeBasisPoints: Math.round(config.SERVICE_FEE_PERCENT * 100),
    taxBasisPoints: Math.round(config.TAX_PERCENT * 100),
  };
}
