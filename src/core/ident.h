/*
 * ident — validation, normalisation and masking of personal identity data:
 * resident identity numbers, mainland-China phone numbers and names.
 *
 * Normalise functions take what a person typed and either return the one
 * canonical form that is stored (encrypted) and hashed for look-up, or fail
 * with SJ_EINVAL, the field name and a message that says exactly what is
 * wrong.  Display functions (mask, national form) take only canonical input
 * and write into caller buffers; they never allocate.
 *
 * Canonical forms:
 *   identity number  18 ASCII characters, 17 digits then a digit or 'X'
 *   phone            E.164 "+86" + national significant number, then
 *                    ";ext=<digits>" for a landline extension (RFC 3966)
 *
 * All strings are NUL-terminated UTF-8.
 */
#ifndef SJ_IDENT_H
#define SJ_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* An identity number: 18 characters and the NUL. */
#define IDENT_ID_LEN  18
#define IDENT_ID_SIZE 19

/* Enough for every phone output of this module (canonical, national,
 * masked) and its NUL.  The longest is a canonical landline with a
 * six-digit extension: "+86" + 11 digits + ";ext=" + 6 digits = 25 bytes. */
#define IDENT_PHONE_SIZE 32

/* An extension has 1 to IDENT_EXT_MAX digits. */
#define IDENT_EXT_MAX 6

/* Sex codes of GB/T 2261.1-2003 (0 unknown, 1 male, 2 female). */
typedef enum ident_sex {
	IDENT_SEX_UNKNOWN = 0,
	IDENT_SEX_MALE = 1,
	IDENT_SEX_FEMALE = 2
} ident_sex;

/*
 * Validate a resident identity number and write its canonical form.
 *
 * in     what was typed (NULL counts as empty); surrounding whitespace
 *        (ASCII, U+00A0 and the ideographic space U+3000) is ignored;
 *        full-width digits U+FF10–U+FF19 become ASCII digits; 'x', 'Ｘ'
 *        (U+FF38) and 'ｘ' (U+FF58) become 'X'.  Whitespace inside the
 *        number is not removed (it counts as a character).
 * today  the current local date as YYYYMMDD (e.g. 20240315), or 0 to skip
 *        the "born in the future" check.
 * out    receives the 18 characters and a NUL (IDENT_ID_SIZE bytes).  It
 *        is set to "" on failure.
 *
 * Checks, in this order, each failing with SJ_EINVAL, field "id_number":
 *   - "is empty" (nothing but whitespace), "is not valid UTF-8";
 *   - length: "must be 18 characters, got 17"; 15 digits give "is a
 *     15-digit first-generation number; enter the 18-character number
 *     from the current card" (GB 11643-1999 §4 replaced the 15-digit
 *     form of GB 11643-1989);
 *   - "character 5 is 'a'; the first 17 characters must be digits"
 *     (GB 11643-1999 §4: 17-digit body);
 *   - "character 18 is 'Y'; it must be a digit or X" (GB 11643-1999 §4);
 *   - the address code must start with a province-level code of
 *     GB/T 2260: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82:
 *     "region code 991234 does not start with a province-level code";
 *   - the birth date (characters 7–14, GB 11643-1999 §5.2, GB/T 7408
 *     YYYYMMDD) must be a real Gregorian date: "birth date 19900230 is not
 *     a real date"; not before 1900-01-01: "birth date 18991231 is before
 *     1900-01-01"; and, when today != 0, not after today: "birth date
 *     20300101 is after today (20240315)";
 *   - the check character (GB 11643-1999 §5.4, ISO 7064:1983 MOD 11-2):
 *     S = Σ a_i·W_i over the first 17 digits with W = 7 9 10 5 8 4 2 1 6 3
 *     7 9 10 5 8 4 2; the check character is "10X98765432"[S mod 11]:
 *     "check character is 5, expected X".
 * Returns SJ_OK or SJ_EINVAL.
 */
sj_rc ident_id_normalise(const char *in, int today, char out[IDENT_ID_SIZE],
    sj_err *err);

/*
 * The birth date of a canonical identity number as YYYYMMDD (characters
 * 7–14, GB 11643-1999 §5.2), e.g. 19491231 for 11010519491231002X.
 * Returns 0 when id is not 18 characters with digits at 7–14.
 */
int ident_id_birth_date(const char *id);

/*
 * The sex recorded in a canonical identity number: the 17th character (the
 * last digit of the sequence code) is odd for men and even for women
 * (GB 11643-1999 §5.3).  Returns IDENT_SEX_UNKNOWN when id is not 18
 * characters with a digit at position 17.
 */
ident_sex ident_id_sex(const char *id);

/*
 * Mask a canonical identity number for display: the first 4 and last 4
 * characters are kept, the 10 between become '*': "3709**********1237".
 * out has n bytes; n must be at least IDENT_ID_SIZE.
 * Returns SJ_OK; SJ_EINVAL, field "id_number", "is not a canonical identity
 * number" when id is not 17 digits followed by a digit or 'X';
 * SJ_EINTERNAL when n is too small.  out is "" on failure (when n > 0).
 */
sj_rc ident_id_mask(const char *id, char *out, size_t n, sj_err *err);

/*
 * Validate a mainland-China phone number and write its canonical E.164
 * form: "+8613912345678" (mobile), "+865388221234" (landline 0538-8221234),
 * "+861012345678;ext=123" (landline with extension, RFC 3966 §5.1.5).
 *
 * in     what was typed (NULL counts as empty).  Spaces, '.', '(', ')'
 *        and their full-width forms are ignored; full-width digits and
 *        '＋' are accepted; hyphens separate groups.  An optional
 *        country prefix "+86" or "0086" (ITU-T E.164; China's country
 *        code is 86) may be followed by the national number, with or
 *        without its trunk 0 ("+86 (0)538 ...").
 *        A bare "86" prefix is accepted only before an 11-digit mobile.
 *        An extension is written "转123", "ext123", "x123", "#123", ";ext=123"
 *        (the canonical form's own, so normalising is idempotent), or as a
 *        trailing "-123" after a complete landline number (when the part
 *        before the last hyphen is already a complete landline number, the
 *        digits after it are the extension).  An extension has 1 to
 *        IDENT_EXT_MAX digits.
 * field  the field name for errors, "mobile" or "phone" (the caller's).
 * out    receives the canonical form (IDENT_PHONE_SIZE bytes); "" on
 *        failure.
 *
 * Numbering plan (MIIT numbering of the public telecom network):
 *   mobile    11 digits matching 1[3-9]xxxxxxxxx;
 *   landline  trunk 0, area code, subscriber number of 7 or 8 digits;
 *             the area code is 2 digits after the 0 for 010 and 020–029,
 *             and 3 digits otherwise (0538); 01x other than 010 does not
 *             exist.
 * Fails with SJ_EINVAL and the given field, for example: "is empty",
 * "is not valid UTF-8", "has no digits after the prefix" ("+86" alone),
 * "contains 'a', which is not part of a phone number", "is too long",
 * "has more than one extension", "extension must be 1 to 6 digits",
 * "a mobile number has no extension", "only mainland China numbers (+86)
 * are accepted", "'+' may only start the number", "must start with
 * 13 to 19 (mobile), 0 (landline with area code) or +86", "mobile number
 * must be 11 digits, got 10", "mobile number must start with 13 to 19",
 * "area code 013 does not exist", "area code must not start with 00",
 * "subscriber number after area code 0538 must be 7 or 8 digits, got 6".
 */
sj_rc ident_phone_normalise(const char *in, const char *field,
    char out[IDENT_PHONE_SIZE], sj_err *err);

/*
 * Whether a canonical phone number is a mobile number ("+861[3-9]" and 8
 * more digits, no extension).  False for landlines and for anything that
 * is not a canonical phone number.
 */
bool ident_phone_is_mobile(const char *phone);

/*
 * The national display form of a canonical phone number, unmasked:
 * "13912345678", "0538-8221234", "010-12345678转123" (trunk 0, area
 * code, hyphen, subscriber, then "转" and the extension if any).  This
 * form is accepted again by ident_phone_normalise.
 * out has n bytes; IDENT_PHONE_SIZE is always enough.
 * field names the field for errors.  Returns SJ_OK; SJ_EINVAL "is not a
 * canonical phone number"; SJ_EINTERNAL when n is too small.  out is ""
 * on failure (when n > 0).
 */
sj_rc ident_phone_national(const char *phone, const char *field, char *out,
    size_t n, sj_err *err);

/*
 * The masked national display form of a canonical phone number.
 * Mobile: first 3 and last 4 digits kept: "139****5678".  Landline: trunk
 * 0 and area code kept, subscriber number masked except its last 4
 * digits: "0538-***1234", "010-****5678".  The extension is left out.
 * out has n bytes; IDENT_PHONE_SIZE is always enough.
 * Returns as ident_phone_national.
 */
sj_rc ident_phone_mask(const char *phone, const char *field, char *out,
    size_t n, sj_err *err);

/*
 * Mask a person's name for display: the first Unicode code point is kept
 * and every other code point becomes one '*': "张三" → "张*", "欧阳娜娜" →
 * "欧***", "Li Lei" → "L*****".  A name of one code point becomes "*".
 * out has n bytes; strlen(name) + 1 is always enough (each masked code
 * point of 1–4 bytes becomes 1 byte).
 * Returns SJ_OK; SJ_EINVAL, field "name", "is empty" or "is not valid
 * UTF-8"; SJ_EINTERNAL when n is too small.  out is "" on failure (when
 * n > 0).
 */
sj_rc ident_name_mask(const char *name, char *out, size_t n, sj_err *err);

#endif
