import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { LOCALES, type Locale } from '../notify/render.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { guidanceTemplates } from './review.tables.ts';
import { GUIDANCE_CODES, type DecisionReasonCode } from './decision-reasons.ts';
import { DEFAULT_GUIDANCE } from './guidance-defaults.ts';

export interface GuidanceTemplate {
  reasonCode: DecisionReasonCode;
  locale: Locale;
  body: string;
  /** False while the built-in text is in use. */
  edited: boolean;
  updatedAt: string | null;
}

/** Every template (each reason code × language): the admin's text where edited, else the default. */
export async function listGuidanceTemplates(db: Db): Promise<GuidanceTemplate[]> {
  const stored = await db.select().from(guidanceTemplates);
  const byKey = new Map(stored.map((row) => [`${row.reasonCode}:${row.locale}`, row]));
  return GUIDANCE_CODES.flatMap((reasonCode) =>
    LOCALES.map((locale) => {
      const row = byKey.get(`${reasonCode}:${locale}`);
      return { reasonCode, locale, body: row?.body ?? DEFAULT_GUIDANCE[reasonCode][locale], edited: !!row, updatedAt: row?.updatedAt.toISOString() ?? null };
    }),
  );
}

/** The guidance text for one reason code in the buyer's language. */
export async function guidanceFor(db: Db, reasonCode: DecisionReasonCode, locale: Locale): Promise<string> {
  const all = await listGuidanceTemplates(db);
  return all.find((t) => t.reasonCode === reasonCode && t.locale === locale)?.body ?? DEFAULT_GUIDANCE[reasonCode][locale];
}

/** Admin edits: upserts the given templates (an empty body restores the default). */
export async function saveGuidanceTemplates(
  ctx: AppContext,
  admin: UserRow,
  items: Array<{ reasonCode: DecisionReasonCode; locale: Locale; body: string }>,
): Promise<GuidanceTemplate[]> {
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    for (const item of items) {
      const body = item.body.trim();
      if (!body) {
        await tx.delete(guidanceTemplates).where(and(eq(guidanceTemplates.reasonCode, item.reasonCode), eq(guidanceTemplates.locale, item.locale)));
      } else {
        await tx
          .insert(guidanceTemplates)
          .values({ reasonCode: item.reasonCode, locale: item.locale, body, updatedAt: now, updatedBy: admin.id })
          .onConflictDoUpdate({ target: [guidanceTemplates.reasonCode, guidanceTemplates.locale], set: { body, updatedAt: now, updatedBy: admin.id } });
      }
    }
    await appendAudit(tx, {
      at: now,
      actor: admin.subjectId,
      action: 'review.guidance_templates_saved',
      data: { templates: items.map((i) => `${i.reasonCode}:${i.locale}`) },
    });
  });
  return listGuidanceTemplates(ctx.db);
}
