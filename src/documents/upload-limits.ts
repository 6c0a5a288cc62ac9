/** The limits of issue 4, in one place. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_DOCUMENTS_PER_APPLICATION = 6;
/** Uploaded but not yet submitted documents a buyer may hold at once (one application's worth). */
export const MAX_PENDING_DOCUMENTS = MAX_DOCUMENTS_PER_APPLICATION;
export const UPLOADS_PER_DAY = 20;
export const UPLOAD_WINDOW_SECONDS = 24 * 60 * 60;
