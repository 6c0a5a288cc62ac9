import { parseArgs } from 'node:util';
import { closeContext } from '../app/create-context.ts';
import { addStaff, listStaff, removeStaff } from '../accounts/staff.ts';
import { startContext } from './startup.ts';

const USAGE = `Usage: adieu staff add EMAIL --role reviewer|admin   create or promote an account; prints a one-time set-password link
       adieu staff list [--json]                       everyone with a staff role
       adieu staff remove EMAIL                        take the staff roles away and end their sessions
`;

/** Staff accounts in production, where there is no demo seed. Every change is audited (actor `cli`). */
export async function staffCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { role: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [action, email] = positionals;
  const valid =
    (action === 'add' && positionals.length === 2 && (values.role === 'reviewer' || values.role === 'admin')) ||
    (action === 'list' && positionals.length === 1) ||
    (action === 'remove' && positionals.length === 2);
  if (!valid) {
    process.stderr.write(USAGE);
    return 1;
  }
  const ctx = await startContext({});
  try {
    if (action === 'add') {
      const added = await addStaff(ctx, { email, role: values.role as 'reviewer' | 'admin', actor: 'cli' });
      const head = `${added.created ? 'Created' : 'Updated'} ${values.role} ${email}.`;
      process.stdout.write(
        added.link ? `${head} Send them this one-time link to set a password (valid until ${added.expiresAt?.toISOString()}):\n${added.link}\n` : `${head} They keep their password.\n`,
      );
    } else if (action === 'list') {
      const staff = await listStaff(ctx);
      if (values.json) process.stdout.write(`${JSON.stringify(staff, null, 2)}\n`);
      else if (staff.length === 0) process.stdout.write('No staff accounts.\n');
      else for (const member of staff) process.stdout.write(`${member.email ?? '(no email)'}  ${member.roles.join(',')}  ${member.passwordSet ? 'active' : 'invited'}${member.status === 'active' ? '' : `  ${member.status}`}\n`);
    } else {
      await removeStaff(ctx, { email, actor: 'cli' });
      process.stdout.write(`Removed the staff roles of ${email}; their sessions ended.\n`);
    }
    return 0;
  } finally {
    await closeContext(ctx);
  }
}
