/**
 * The protocol's size limit of one sealed event. It lives in the base layer so the vault (which
 * refuses a larger change at the edit) and the API contract (which publishes it, and whose servers
 * announce it as `maxEventBytes`) share one number without the vault depending on the API.
 */

/**
 * Every KeyPears server accepts a sealed event (the payload of an envelope: the padded, encrypted
 * event) of up to this many bytes, and a client never makes a larger one. 64 KiB holds some
 * 21,000 CJK characters or 65,000 ASCII characters of text; larger content waits for attachments.
 */
export const MAX_SEALED_EVENT_BYTES = 65_536;
