/** Outcomes of a review decision (API.md). */
export const DECISION_OUTCOMES = ['approve', 'reject', 'request_info'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Reason codes of a rejection or a request for information (API.md, plus `DOCUMENTS_INCOMPLETE`). */
export const DECISION_REASON_CODES = ['ID_UNREADABLE', 'ID_MISMATCH', 'BLOCKERS_PRESENT', 'SUSPECTED_FRAUD', 'DOCUMENTS_INCOMPLETE', 'OTHER'] as const;
/** The reason code of an approval. */
export const APPROVAL_REASON_CODE = 'APPROVED';
export type DecisionReasonCode = (typeof DECISION_REASON_CODES)[number] | typeof APPROVAL_REASON_CODE;

/** Every code a guidance template exists for. */
export const GUIDANCE_CODES: readonly DecisionReasonCode[] = [...DECISION_REASON_CODES, APPROVAL_REASON_CODE];
