/** Resource ids: every AutoHub resource is named by a UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed resource id; anything else names no resource. */
export function isId(value: string): boolean {
  return UUID.test(value);
}
