/**
 * What the cancellation workflow offers the review console: the only file of this folder that
 * `src/review/` imports (eslint keeps it so). Review reads the workflow's tables, moves an
 * application through `applyTransition`, and shares the calendar, texts and views.
 */
export { applications, applicationEvents, applicationMessages, messageReads } from './cancellation.tables.ts';
export { findApplication, subjectIdOf, type ApplicationRow } from './application-store.ts';
export { applyTransition } from './apply-transition.ts';
export { freezeBuyer, lockBuyerForUpdate } from './buyer-lock.ts';
export { listReviewerMessages, postReviewerMessage, reviewerCasePath } from './application-messages.ts';
export { openApplicationText, sealApplicationText } from './application-crypto.ts';
export { workCalendarOf, workingDaysTaken } from './work-calendar.ts';
export { toApplicationView, type ApplicationView } from './application-view.ts';
export { FREE_TEXT_MAX } from './reason-codes.ts';
export { Application, Eligibility, Message, StaffApplication, Thread } from './cancellation.openapi.ts';
