/** Account addresses: defined in `@keypears/base`, shared with the API contract. */

export {
  type Address,
  type AddressError,
  domainOf,
  isLocalOnly,
  LOCAL_DOMAIN,
  parseAddress,
} from "@keypears/base";
