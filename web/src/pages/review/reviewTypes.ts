import type { Message, QueueItem } from '../../api/types.ts';
import type { Answer, Schema } from '../../api/typed.ts';

export type ReviewQueueItem = QueueItem;
export type ReviewDetail = Schema<'ReviewDetail'>;
export type GuidanceTemplate = Schema<'GuidanceTemplate'>;
export type ThreadAnswer = Answer<'/api/review/applications/{id}/messages', 'get'> | Message[];

/** How close a case is to its deadline: drives the queue's colours and words. */
export function slaState(dueAt: string, now: number, breached = false): 'overdue' | 'due_soon' | 'on_track' {
  const due = new Date(dueAt).getTime();
  if (breached || due <= now) return 'overdue';
  return due - now <= 2 * 86_400_000 ? 'due_soon' : 'on_track';
}
