/** Form values as the API takes them. */

/** A number field's value for the API: blank leaves the API's default, anything else is sent as given for the API to check. */
export function numberOrDefault(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

/** A `datetime-local` field's value as a Unix timestamp in seconds; blank for none. */
export function unixSeconds(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
