/**
 * One canonical form for email addresses, used wherever a person is found by email
 * (invitations, reservations, sign-in, SSO linking).
 *
 * - **Stored as typed, in NFC** (`storedEmail`): trimmed and composed, nothing else.
 * - **Compared by a key** (`emailKey`) following the PRECIS UsernameCaseMapped profile
 *   (RFC 8265, 3.3): width mapping (full-width and half-width forms to their ordinary
 *   characters), case mapping (to lower case), then NFC. So a full-width twin of an
 *   ASCII member, an NFD twin of an NFC one, and `\u212Aate` (U+212A KELVIN SIGN, which
 *   composes to `K`) all have the member's key and cannot become a second account.
 *   Such addresses are canonicalised, not refused: they are what some keyboards and
 *   IMEs produce, and the key already makes them the same person.
 * - **SSO links by email only on an exact match** (`sameEmailForLinking`): the asserted
 *   address must already be in NFC and equal the stored one up to ASCII case. An
 *   identity provider treats `\u212Aate@` and `kate@` as two accounts; this service must
 *   not hand one the other's session because a case mapping made them look alike.
 */
const WIDTH_FORMS = /[\u3000\uFF01-\uFFEE]/g;

/** RFC 8264's width mapping: each full-width or half-width form to its decomposition. */
const widthMapped = (text: string): string => text.replace(WIDTH_FORMS, (c) => c.normalize('NFKC'));

/** How an address is kept: as the person typed it, trimmed, in NFC. */
export const storedEmail = (email: string): string => email.trim().normalize('NFC');

/** The key uniqueness and look-ups compare: width-mapped, lower-cased, NFC. */
export const emailKey = (email: string): string => widthMapped(email.trim()).toLowerCase().normalize('NFC');

/** Lower-cases A to Z only. */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Whether an address an identity provider asserted may link to a member's stored
 * address: equal to it but for the case of A to Z, the asserted one taken exactly as
 * sent. Nothing else is mapped: not Unicode case (U+212A lower-cases to `k`), not
 * composition (U+212A composes to `K`, and a decomposed `é` is not the stored `é`), so
 * only an address already in the stored NFC form can match.
 */
export function sameEmailForLinking(asserted: string, stored: string): boolean {
  return asciiLower(asserted.trim()) === asciiLower(stored.normalize('NFC'));
}
