import { z } from 'zod';
import { noContent, ok, op, type OperationCatalog } from '../http/openapi/operation.ts';

const StaffMember = z
  .object({
    userId: z.string(),
    email: z.string().nullable(),
    roles: z.array(z.enum(['reviewer', 'admin'])),
    passwordSet: z.boolean().describe('false while the one-time set-password link is still open'),
    status: z.string(),
  })
  .meta({ id: 'StaffMember' });

const StaffInvitation = z
  .object({ userId: z.string(), created: z.boolean(), link: z.string().nullable().describe('one-time set-password link, shown once (null: the person already has a password)'), expiresAt: z.string().nullable() })
  .meta({ id: 'StaffInvitation' });

export const staffOperations: OperationCatalog = {
  'GET /api/admin/staff': op('listStaff', 'Everyone with a staff role (admin)', 'session', { 200: ok(z.object({ items: z.array(StaffMember) }), 'Staff') }, 'FORBIDDEN'),
  'POST /api/admin/staff': op('addStaff', 'Give a new or staff account a staff role; returns a one-time set-password link when the person has no password yet (admin, audited)', 'session', { 201: ok(StaffInvitation, 'Added') }, 'FORBIDDEN', 'VALIDATION_FAILED'),
  'DELETE /api/admin/staff/:id': op('removeStaff', 'Take the staff roles away, end their sessions (admin, audited)', 'session', { 204: noContent('Removed') }, 'FORBIDDEN', 'ACCOUNT_NOT_FOUND', 'VALIDATION_FAILED'),
};
