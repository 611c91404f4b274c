/**
 * @module http-syntax
 * What HTTP allows in a header name (an RFC 9110 token) and what Node accepts in a header value.
 * Shared by the app channel, the output binding endpoint and bindings.http, which sits below them.
 */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters Node refuses in a header value (it would throw and the message would be retried forever). */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** True when `name` is an HTTP token, i.e. can be a header name. */
export const isHeaderName = (name: string): boolean => HEADER_NAME.test(name);
/** True when Node accepts `value` as a header value. */
export const isHeaderValue = (value: string): boolean => !BAD_HEADER_VALUE.test(value);
