import type { OperationCatalog } from '../http/openapi/operation.ts';
import { healthOperations } from '../http/health.openapi.ts';
import { accountsOperations } from '../accounts/accounts.openapi.ts';
import { cancellationOperations } from '../cancellation/cancellation.openapi.ts';
import { documentsOperations } from '../documents/documents.openapi.ts';
import { reviewOperations } from '../review/review.openapi.ts';
import { staffOperations } from '../accounts/staff.openapi.ts';
import { erasureOperations } from '../erasure/erasure.openapi.ts';
import { shopOperations } from '../shop/shop.openapi.ts';
import { devOperations } from '../dev/dev.openapi.ts';
import { identityOperations } from '../identity/identity.openapi.ts';

/** Every operation of the API as documented, by `METHOD /path/:param` exactly as the route is registered. */
export const OPERATIONS: OperationCatalog = {
  ...healthOperations,
  ...accountsOperations,
  ...identityOperations,
  ...cancellationOperations,
  ...documentsOperations,
  ...reviewOperations,
  ...staffOperations,
  ...erasureOperations,
  ...shopOperations,
  ...devOperations,
};
