/*
 * text — checking, normalising, matching and ordering user text
 * (DESIGN.md §4 "People and identity data"; docs/text.md).
 *
 * Invariants:
 * - Text inside sijin is UTF-8 (RFC 3629), checked once where it comes
 *   in (text_check_utf8) and then stored byte-exact as given, so names
 *   in Chinese and other scripts round-trip through import and export.
 *   Every other function here requires valid UTF-8 (asserted where the
 *   libraries report it).
 * - Matching uses a derived search key (NFKC + case folding, Unicode
 *   UAX #15 and §3.13 of the Unicode Standard); ordering uses a derived
 *   sort key (ICU collation for "zh": CLDR pinyin order).  Both are
 *   stored beside the original text, never instead of it.
 * - Strings returned by this module are malloc'd: free them with free().
 */
#ifndef SJ_TEXT_H
#define SJ_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Flags for text_check_utf8; 0 accepts any valid UTF-8. */
#define TEXT_NO_NUL      0x1u  /* reject U+0000 */
/* Reject every control character (Unicode general category Cc: C0
 * U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F) except tab and LF. */
#define TEXT_NO_CONTROL  0x2u
/* TEXT_NO_CONTROL and TEXT_NO_REPLACEMENT, and also reject line breaks:
 * LF, VT, FF, CR, NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR
 * U+2029 (the mandatory breaks of UAX #14).  Tab stays allowed.  For
 * names, codes, phone numbers and other one-line fields. */
#define TEXT_SINGLE_LINE 0x4u
/* Reject U+FFFD REPLACEMENT CHARACTER: what a decoder writes where it
 * could not read the bytes (The Unicode Standard §23.8 "Specials"; WHATWG
 * Encoding's replacement error mode), so text holding it has lost
 * characters upstream (a GBK form read as UTF-8, a lossy copy) and a
 * name holding it names nobody.  Implied by TEXT_SINGLE_LINE. */
#define TEXT_NO_REPLACEMENT 0x8u

/* The ICU locale whose collation orders names (CLDR "zh" = pinyin). */
#define TEXT_COLLATION_LOCALE "zh"

/* Size of the buffer for text_sort_version, NUL included. */
#define TEXT_SORT_VERSION_LEN 32

/*
 * Check that the n bytes at s are well-formed UTF-8 (RFC 3629 §3-4): no
 * overlong forms, no surrogates U+D800-U+DFFF, nothing above U+10FFFF,
 * no stray continuation bytes, no sequence cut short by the end; and
 * that no code point is refused by flags (TEXT_*; 0 for none).  s may
 * hold NUL bytes (they count as U+0000); it need not be NUL-terminated.
 *
 * Returns SJ_OK, or SJ_EINVAL with `field` (may be NULL) and a message
 * giving the 0-based byte offset of the first offending sequence:
 * "invalid UTF-8 at byte 7", "NUL character (U+0000) at byte 3 is not
 * allowed", "control character U+0007 at byte 3 is not allowed",
 * "line break U+000A at byte 5 is not allowed in a single-line field",
 * "replacement character U+FFFD at byte 3 is not allowed: the text lost
 * characters in a conversion before it came here; type it again".
 */
sj_rc text_check_utf8(const char *s, size_t n, const char *field,
                      unsigned flags, sj_err *err);

/*
 * A name (of a person, a place, a unit, ...), as every module checks it
 * (org_check_name is this): valid UTF-8, TEXT_SINGLE_LINE (no control
 * character, line break or U+FFFD), not blank, at most max code points,
 * and free of invisible and bidirectional control characters (zero-width
 * U+200B–U+200F, U+2060–U+2064, U+FEFF, soft hyphen U+00AD, U+061C,
 * U+180E; embeddings and overrides U+202A–U+202E; isolates U+2066–U+2069),
 * which make two names look alike or one name display reversed (Unicode
 * TR #36 §2; "Trojan Source").  Errors: SJ_EINVAL naming field: "is
 * required" (s NULL), text_check_utf8's, "must not be empty", "is N
 * characters long; at most M", "invisible or bidirectional control
 * character U+200B at byte 3 is not allowed".
 */
sj_rc text_check_name(const char *s, const char *field, size_t max, sj_err *e);

/* As text_check_utf8, and then at most max_chars code points.  Returns
 * SJ_EINVAL with "too long: 70 characters, at most 64" (characters =
 * code points) when longer. */
sj_rc text_check_utf8_max(const char *s, size_t n, const char *field,
                          unsigned flags, size_t max_chars, sj_err *err);

/* The number of code points in the NUL-terminated valid UTF-8 string s
 * ("张三" is 2, though 6 bytes). */
size_t text_length(const char *s);

/* 1 when s (NUL-terminated, valid UTF-8) is empty or holds only the
 * white space text_trim removes, else 0. */
int text_is_blank(const char *s);

/*
 * A copy of s without leading and trailing white space.  White space is
 * Unicode's White_Space property (PropList.txt: U+0009-U+000D, U+0020,
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000 IDEOGRAPHIC SPACE) plus U+200B ZERO WIDTH SPACE and
 * U+FEFF BYTE ORDER MARK, which pasted text often carries at its ends.
 * Inner white space is kept as it is.  s is NUL-terminated; bytes that
 * are not valid UTF-8 are kept (they are not white space).
 * Returns a new malloc'd string (free with free()); never NULL.
 */
char *text_trim(const char *s);

/*
 * The search key of s: NFKC (UAX #15) with Unicode default case folding
 * and default-ignorable code points (DerivedCoreProperties.txt
 * Default_Ignorable_Code_Point: soft hyphen, zero-width space and
 * joiners, variation selectors...) removed, as by utf8proc.  Full-width
 * and half-width forms become their ordinary forms ("ＡＢＣ" -> "abc",
 * "ｶ" -> "カ"), U+3000 becomes U+0020, "Straße" -> "strasse".
 * Two texts match exactly when their keys are equal; a prefix of a key
 * matches as a prefix.  Han characters are unchanged, except CJK
 * compatibility ideographs (U+F900..) which become their unified form.
 * s: NUL-terminated valid UTF-8 (asserted).  Returns a new malloc'd
 * string (free with free()); never NULL.
 */
char *text_search_key(const char *s);

/* s in Unicode Normalization Form C (UAX #15).  s: NUL-terminated valid
 * UTF-8 (asserted).  Returns a new malloc'd string (free with free());
 * never NULL.  Stored text is not normalised (it is kept byte-exact);
 * this is for comparing or for output that needs NFC. */
char *text_nfc(const char *s);

/*
 * The collation sort key of s under ICU's TEXT_COLLATION_LOCALE ("zh",
 * CLDR's pinyin order: Han characters by pinyin, then tone; the rules
 * begin "[reorder Hani]", so Han sorts before Latin and other scripts;
 * spaces, punctuation and digits first; tertiary strength, lower case
 * before upper; canonical equivalents get equal keys).
 *
 * On SJ_OK *key is a new malloc'd array of *n bytes (free with free()),
 * with no zero byte inside.  Keys order like their texts when compared
 * with text_sort_key_cmp, which is how SQLite compares BLOBs and
 * PostgreSQL compares bytea, so a key stored as a BLOB sorts the same on
 * both.  Different texts may have equal keys (e.g. NFC and NFD forms):
 * break ties by record id.  Keys are only comparable with keys from the
 * same text_sort_version(): rebuild stored keys when it changes.
 *
 * Returns SJ_OK, or SJ_EINTERNAL (no field) when ICU cannot open the
 * collator (its "zh" data missing); then *key is NULL and *n is 0.
 * s: NUL-terminated valid UTF-8 (asserted).  Uses a collator owned by
 * the calling thread, opened on first use and closed when the thread
 * ends (a pthread key destructor) or by text_thread_cleanup(): thread-safe.
 * The main thread, which ends with exit() and runs no destructor, calls
 * text_thread_cleanup() itself.
 */
sj_rc text_sort_key(const char *s, uint8_t **key, size_t *n, sj_err *err);

/* memcmp over the shorter length, then the shorter key first: <0, 0 or
 * >0 as a orders before, with or after b. */
int text_sort_key_cmp(const uint8_t *a, size_t na, const uint8_t *b,
                      size_t nb);

/* Write the collator's version (ICU ucol_getVersion, e.g. "153.120.42"
 * with ICU 72) into out; it changes when ICU's rules or Unicode data
 * change, which changes sort keys.  Returns SJ_OK, or SJ_EINTERNAL as
 * text_sort_key (then out is ""). */
sj_rc text_sort_version(char out[TEXT_SORT_VERSION_LEN], sj_err *err);

/* Close the calling thread's collator now, if it opened one.  Safe to
 * call more than once; a later text_sort_key opens a new one. */
/* A malloc'd copy of s in which every byte that does not start a valid
 * UTF-8 sequence (and every truncated sequence) is replaced by U+FFFD, so
 * that text from outside (a request path, a header) can go into JSON or a
 * log safely.  Valid input comes back byte-identical.  Caller frees. */
char *text_utf8_repair(const char *s);

void text_thread_cleanup(void);

/* A copy of url with its passwords replaced by "***": the one of
 * scheme://user:password@host and the value of a password= parameter
 * (libpq's connection URI, RFC 3986 userinfo).  Anything else is copied
 * as it is.  Returns a malloc'd string; free() it.  Used wherever a
 * database URL is shown: logs, errors, `sijin config`. */
char *text_url_mask(const char *url);

#endif
