/*
 * supply_item — units of measure, items, packs, and quantities as text.
 *
 * Invariants kept here: a pack's size is 1..SUPPLY_PACK_MAX; no two words
 * of one item (base-unit words, pack names) have the same search key, so
 * a unit word in a quantity resolves to one size; quantities are summed
 * with overflow checks against SUPPLY_QTY_MAX.
 */
#include "domain/supply_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"

enum {
	Q_ITEM_ADD, Q_ITEM_UPDATE, Q_ITEM_GET, Q_ITEM_FIND, Q_ITEM_LIST,
	Q_PACKS_OF, Q_PACK_ADD,
};

#define ITEM_COLS "id, name, name_en, category, base_unit, created_at"
#define PACK_COLS "id, item_id, name, name_en, size"

static const char *const item_sql[] = {
	[Q_ITEM_ADD] =
	"INSERT INTO supply_item (name, name_key, name_en, name_en_key, name_sort, category,"
	" base_unit, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	[Q_ITEM_UPDATE] =
	"UPDATE supply_item SET name = ?2, name_key = ?3, name_en = ?4, name_en_key = ?5,"
	" name_sort = ?6, category = ?7 WHERE id = ?1",
	[Q_ITEM_GET] =
	"SELECT " ITEM_COLS " FROM supply_item WHERE id = ?1",
	/* a key may be one item's Chinese and another's English name */
	[Q_ITEM_FIND] =
	"SELECT id FROM supply_item WHERE name_key = ?1 OR name_en_key = ?1 ORDER BY id LIMIT 2",
	[Q_ITEM_LIST] =
	"SELECT " ITEM_COLS " FROM supply_item ORDER BY name_sort, id",
	[Q_PACKS_OF] =
	"SELECT " PACK_COLS " FROM supply_pack WHERE item_id = ?1 ORDER BY size DESC, id",
	[Q_PACK_ADD] =
	"INSERT INTO supply_pack (item_id, name, name_key, name_en, name_en_key, size, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
};

/* ---- units of measure ---------------------------------------------------- */

/* Base units for discrete supplies.  Aliases are further words read as
 * the unit (search keys: lower case, NFKC). */
static const supply_uom uoms[] = {
	{ "piece", "个", "piece", "pieces", "件 只 支 枚 片 pc pcs" },
	{ "bottle", "瓶", "bottle", "bottles", "" },
	{ "pair", "双", "pair", "pairs", "副" },
	{ "box", "箱", "box", "boxes", "盒" },
	{ "set", "套", "set", "sets", "" },
	{ "bag", "袋", "bag", "bags", "包" },
	{ "barrel", "桶", "barrel", "barrels", "drum drums" },
	{ "roll", "卷", "roll", "rolls", "" },
	{ "sheet", "张", "sheet", "sheets", "" },
};

#define N_UOMS (sizeof uoms / sizeof uoms[0])

const supply_uom *
supply_uom_find(const char *code)
{
	for (size_t i = 0; code && i < N_UOMS; i++)
		if (strcmp(uoms[i].code, code) == 0)
			return &uoms[i];
	return NULL;
}

const char *
supply_uom_codes(void)
{
	return "piece, bottle, pair, box, set, bag, barrel, roll, sheet";
}

/* True when word (a search key) is one of the space-separated words. */
static bool
word_in(const char *word, const char *list)
{
	size_t n = strlen(word);

	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && memcmp(p, word, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* True when word (a search key) names unit u. */
static bool
uom_matches(const supply_uom *u, const char *word)
{
	return strcmp(word, u->zh) == 0 || strcmp(word, u->en) == 0 ||
	    strcmp(word, u->en_plural) == 0 || strcmp(word, u->code) == 0 || word_in(word, u->aliases);
}

/* The unit of measure named by a code or any of its words, or NULL. */
static const supply_uom *
uom_by_word(const char *word)
{
	char *key;
	const supply_uom *found = NULL;

	if (word == NULL)
		return NULL;
	key = text_search_key(word);
	for (size_t i = 0; i < N_UOMS && !found; i++)
		if (uom_matches(&uoms[i], key))
			found = &uoms[i];
	free(key);
	return found;
}

/* ---- words of an item ---------------------------------------------------- */

/* True when key equals name's search key, or (plural) name's key + "s" /
 * "es".  name may be NULL. */
static bool
key_names(const char *key, const char *name, bool plural)
{
	char *k;
	size_t n;
	bool hit;

	if (name == NULL)
		return false;
	k = text_search_key(name);
	n = strlen(k);
	hit = strcmp(key, k) == 0 ||
	    (plural && strncmp(key, k, n) == 0 &&
	     (strcmp(key + n, "s") == 0 || strcmp(key + n, "es") == 0));
	free(k);
	return hit;
}

/* The size in base units of the unit word key (a search key) of item it:
 * 1 for the base unit, the pack's size for a pack; 0 when key names
 * neither. */
static int64_t
item_word_size(const supply_item *it, const char *key)
{
	if (it->uom && uom_matches(it->uom, key))
		return 1;
	for (size_t i = 0; i < it->n_packs; i++)
		if (key_names(key, it->packs[i].name, false) ||
		    key_names(key, it->packs[i].name_en, true))
			return it->packs[i].size;
	return 0;
}

/* "箱 (40 瓶), 瓶": the unit words of it, for messages. */
static void
item_words(const supply_item *it, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < it->n_packs && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s (%lld %s), ", it->packs[i].name,
		    (long long)it->packs[i].size, it->uom ? it->uom->zh : "");
	if (len < n)
		snprintf(out + len, n - len, "%s", it->uom ? it->uom->zh : "");
}

/* ---- quantities ---------------------------------------------------------- */

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Check a total against mode.  Errors as supply_qty_parse. */
static sj_rc
qty_check(int64_t q, int mode, const char *field, sj_err *e)
{
	if (q > SUPPLY_QTY_MAX || q < -SUPPLY_QTY_MAX)
		return sj_fail(e, SJ_EINVAL, field, "is too large (at most 10^12 base units)");
	if (mode == SUPPLY_QTY_POSITIVE && q <= 0)
		return sj_fail(e, SJ_EINVAL, field, "must be greater than 0, got %lld", (long long)q);
	if (mode == SUPPLY_QTY_NONNEGATIVE && q < 0)
		return sj_fail(e, SJ_EINVAL, field, "must not be negative, got %lld", (long long)q);
	if (mode == SUPPLY_QTY_SIGNED && q == 0)
		return sj_fail(e, SJ_EINVAL, field, "must not be 0");
	return SJ_OK;
}

/* Read the leading sign of *p: -1, or 1 (with or without '+'). */
static int
read_sign(const char **p)
{
	static const char minus[] = "\xe2\x88\x92";  /* U+2212 MINUS SIGN */

	if (**p == '-' || **p == '+') {
		int sign = **p == '-' ? -1 : 1;
		(*p)++;
		return sign;
	}
	if (strncmp(*p, minus, 3) == 0) {
		*p += 3;
		return -1;
	}
	return 1;
}

/* One term "N word" at *p of key (text is the original, for messages).
 * Adds its base units to *total and advances *p.  *bare is set when the
 * term had no unit word. */
static sj_rc
read_term(const supply_item *it, const char *text, const char **p, int64_t *total, bool *bare,
    const char *field, sj_err *e)
{
	const char *q = *p, *w;
	char word[64], known[256];
	int64_t v = 0, size;

	if (!is_digit(*q))
		return sj_fail(e, SJ_EINVAL, field, "'%s' must start with a whole number", text);
	for (; is_digit(*q); q++) {
		v = v * 10 + (*q - '0');
		if (v > SUPPLY_QTY_MAX)
			return sj_fail(e, SJ_EINVAL, field, "is too large (at most 10^12 base units)");
	}
	if ((*q == '.' || *q == ',') && is_digit(q[1]))
		return sj_fail(e, SJ_EINVAL, field, "'%s': fractional quantities are not allowed", text);
	w = q = skip_space(q);
	while (*q && !is_digit(*q) && *q != ' ' && *q != '\t')
		q++;
	*bare = q == w;
	if (*bare)
		size = 1;
	else {
		if ((size_t)(q - w) >= sizeof word)
			return sj_fail(e, SJ_EINVAL, field, "'%s': unit word too long", text);
		memcpy(word, w, (size_t)(q - w));
		word[q - w] = '\0';
		if ((size = item_word_size(it, word)) == 0) {
			item_words(it, known, sizeof known);
			return sj_fail(e, SJ_EINVAL, field, "'%s': %s is not a unit of %s; use %s", text,
			    word, it->name, known);
		}
	}
	if (v > (SUPPLY_QTY_MAX - *total) / size)
		return sj_fail(e, SJ_EINVAL, field, "is too large (at most 10^12 base units)");
	*total += v * size;
	*p = q;
	return SJ_OK;
}

sj_rc
supply_qty_parse(const supply_item *it, const char *text, int mode, const char *field,
    int64_t *out, sj_err *e)
{
	char *key = NULL;
	const char *p;
	int64_t total = 0;
	int sign, terms = 0;
	bool bare = false;
	sj_rc rc = SJ_OK;

	*out = 0;
	if (text == NULL || text_is_blank(text))
		return sj_fail(e, SJ_EINVAL, field, "is empty");
	if (strlen(text) > SUPPLY_QTY_TEXT_MAX)
		return sj_fail(e, SJ_EINVAL, field, "is longer than %d bytes", SUPPLY_QTY_TEXT_MAX);
	if ((rc = text_check_utf8(text, strlen(text), field, TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	key = text_search_key(text);
	p = skip_space(key);
	sign = read_sign(&p);
	if (sign < 0 && mode != SUPPLY_QTY_SIGNED) {
		rc = sj_fail(e, SJ_EINVAL, field, "must not be negative: '%s'", text);
		goto out;
	}
	for (p = skip_space(p); *p; p = skip_space(p)) {
		if ((rc = read_term(it, text, &p, &total, &bare, field, e)) != SJ_OK)
			goto out;
		terms++;
		if (bare && (terms > 1 || *skip_space(p))) {
			rc = sj_fail(e, SJ_EINVAL, field,
			    "'%s': a number must be followed by a unit (as in 1箱5瓶)", text);
			goto out;
		}
	}
	if (terms == 0) {
		rc = sj_fail(e, SJ_EINVAL, field, "'%s' must start with a whole number", text);
		goto out;
	}
	if ((rc = qty_check(sign * total, mode, field, e)) == SJ_OK)
		*out = sign * total;
out:
	free(key);
	return rc;
}

sj_rc
supply_qty_of(const supply_item *it, int64_t n, const char *pack, int mode, const char *field,
    const char *field_pack, int64_t *out, sj_err *e)
{
	char known[256];
	int64_t size = 1;
	char *key;

	*out = 0;
	if (pack != NULL) {
		if (text_check_utf8(pack, strlen(pack), field_pack, TEXT_SINGLE_LINE, e) != SJ_OK)
			return e->rc;
		key = text_search_key(pack);
		size = item_word_size(it, key);
		free(key);
		if (size == 0) {
			item_words(it, known, sizeof known);
			return sj_fail(e, SJ_EINVAL, field_pack, "%s is not a unit of %s; use %s", pack,
			    it->name, known);
		}
	}
	if (n > SUPPLY_QTY_MAX / size || n < -SUPPLY_QTY_MAX / size)
		return sj_fail(e, SJ_EINVAL, field, "is too large (at most 10^12 base units)");
	if (qty_check(n * size, mode, field, e) != SJ_OK)
		return e->rc;
	*out = n * size;
	return SJ_OK;
}

/* English plural of a pack or unit word: + "es" after s, x, z, ch, sh. */
static const char *
plural_en(arena *a, const char *w)
{
	size_t n = strlen(w);
	bool es = n > 0 && (strchr("sxz", w[n - 1]) ||
	    (n > 1 && (strcmp(w + n - 2, "ch") == 0 || strcmp(w + n - 2, "sh") == 0)));

	return arena_printf(a, "%s%s", w, es ? "es" : "s");
}

const char *
supply_qty_text(arena *a, const supply_item *it, int64_t qty)
{
	const char *base = it->uom ? it->uom->zh : "";
	const char *sign = qty < 0 ? "-" : "";
	int64_t q = qty < 0 ? -qty : qty, n, r;

	if (it->n_packs == 0)
		return arena_printf(a, "%s%lld%s", sign, (long long)q, base);
	n = q / it->packs[0].size;
	r = q % it->packs[0].size;
	if (r == 0)
		return arena_printf(a, "%s%lld%s(%lld%s)", sign, (long long)n, it->packs[0].name,
		    (long long)q, base);
	return arena_printf(a, "%s%lld%s%lld%s", sign, (long long)n, it->packs[0].name,
	    (long long)r, base);
}

/* "1 bottle", "19 bottles". */
static const char *
count_en(arena *a, int64_t n, const char *one, const char *many)
{
	return arena_printf(a, "%lld %s", (long long)n, n == 1 ? one : many);
}

const char *
supply_qty_text_en(arena *a, const supply_item *it, int64_t qty)
{
	const char *sign = qty < 0 ? "-" : "";
	const char *one = it->uom ? it->uom->en : "", *many = it->uom ? it->uom->en_plural : "";
	const char *pone, *pmany;
	int64_t q = qty < 0 ? -qty : qty, n, r;

	if (it->n_packs == 0)
		return arena_printf(a, "%s%s", sign, count_en(a, q, one, many));
	pone = it->packs[0].name_en ? it->packs[0].name_en : it->packs[0].name;
	pmany = it->packs[0].name_en ? plural_en(a, pone) : pone;
	n = q / it->packs[0].size;
	r = q % it->packs[0].size;
	if (r == 0)
		return arena_printf(a, "%s%s (%s)", sign, count_en(a, n, pone, pmany),
		    count_en(a, q, one, many));
	return arena_printf(a, "%s%s %s", sign, count_en(a, n, pone, pmany),
	    count_en(a, r, one, many));
}

/* ---- packs --------------------------------------------------------------- */

/* A pack word: 1..max characters of single-line UTF-8 without digits,
 * white space, signs, '.', ',', '=', '/', '@' or brackets. */
static sj_rc
pack_word_check(const char *w, const char *field, size_t max, sj_err *e)
{
	char *key;
	bool bad = false;
	sj_rc rc;

	if ((rc = org_check_name(w, field, max, e)) != SJ_OK)
		return rc;
	key = text_search_key(w);
	for (const char *p = key; *p && !bad; p++)
		bad = is_digit(*p) || strchr(" \t+-.,=/@()[]", *p) != NULL;
	bad = bad || strstr(key, "\xe2\x88\x92") != NULL;
	free(key);
	if (bad)
		return sj_fail(e, SJ_EINVAL, field,
		    "'%s' must not contain digits, spaces, signs, '.', ',', '=', '/', '@' or brackets", w);
	return SJ_OK;
}

/* SJ_ECONFLICT when word (may be NULL) already names the base unit or a
 * pack of it. */
static sj_rc
pack_word_free(const supply_item *it, const char *word, const char *field, sj_err *e)
{
	char *key;
	int64_t size;

	if (word == NULL)
		return SJ_OK;
	key = text_search_key(word);
	size = item_word_size(it, key);
	free(key);
	if (size != 0)
		return sj_fail(e, SJ_ECONFLICT, field, "%s already names %s of %s", word,
		    size == 1 ? "the base unit or a pack" : "a pack", it->name);
	return SJ_OK;
}

static sj_rc
pack_check(const supply_item *it, const supply_pack *in, const char *prefix, sj_err *e)
{
	char f_name[32], f_en[32], f_size[32];
	sj_rc rc;

	snprintf(f_name, sizeof f_name, "%sname", prefix);
	snprintf(f_en, sizeof f_en, "%sname_en", prefix);
	snprintf(f_size, sizeof f_size, "%ssize", prefix);
	if ((rc = pack_word_check(in->name, f_name, 10, e)) != SJ_OK ||
	    (in->name_en && (rc = pack_word_check(in->name_en, f_en, 20, e)) != SJ_OK))
		return rc;
	if (in->size < 1 || in->size > SUPPLY_PACK_MAX)
		return sj_fail(e, SJ_EINVAL, f_size,
		    "must be a positive whole number of base units up to %d, got %lld",
		    SUPPLY_PACK_MAX, (long long)in->size);
	if ((rc = pack_word_free(it, in->name, f_name, e)) != SJ_OK)
		return rc;
	return pack_word_free(it, in->name_en, f_en, e);
}

/* Insert a checked pack. */
static sj_rc
pack_insert(store *s, int64_t item_id, const supply_pack *in, int64_t *id, sj_err *e)
{
	char *key = text_search_key(in->name), *key_en = in->name_en ? text_search_key(in->name_en) : NULL;
	store_stmt *st;
	int64_t dummy;
	sj_rc rc;

	if ((rc = store_prepare(s, item_sql[Q_PACK_ADD], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, item_id);
		store_bind_text(st, 2, in->name);
		store_bind_text(st, 3, key);
		store_bind_text(st, 4, in->name_en);
		store_bind_text(st, 5, key_en);
		store_bind_int(st, 6, in->size);
		store_bind_int(st, 7, dt_now());
		rc = store_insert_id(st, id ? id : &dummy, e);
		if (rc == SJ_ECONFLICT)
			rc = sj_fail(e, rc, "name", "the item already has a pack named %s", in->name);
	}
	free(key);
	free(key_en);
	return rc;
}

/* Append pack p to it's packs (arena), keeping largest-first order. */
static void
pack_append(arena *a, supply_item *it, const supply_pack *p)
{
	supply_pack *v = arena_alloc(a, (it->n_packs + 1) * sizeof *v);
	size_t i = 0, j = 0;

	while (i < it->n_packs && it->packs[i].size >= p->size)
		v[j++] = it->packs[i++];
	v[j++] = *p;
	while (i < it->n_packs)
		v[j++] = it->packs[i++];
	it->packs = v;
	it->n_packs++;
}

sj_rc
supply_pack_add(store *s, const scope *sc, int64_t item_id, const supply_pack *in, int64_t *id,
    sj_err *e)
{
	supply_item it;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not change supply items");
	arena_init(&a);
	if ((rc = supply_item_get(s, &a, item_id, &it, e)) != SJ_OK)
		goto out;
	if (it.n_packs >= SUPPLY_PACKS_MAX) {
		rc = sj_fail(e, SJ_EINVAL, "packs", "%s already has %d packs", it.name, SUPPLY_PACKS_MAX);
		goto out;
	}
	if ((rc = pack_check(&it, in, "", e)) == SJ_OK)
		rc = pack_insert(s, item_id, in, id, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
supply_pack_parse(arena *a, const char *text, const char *field, supply_pack *out, sj_err *e)
{
	const char *eq, *slash, *p;
	int64_t v = 0;
	bool neg = false;

	memset(out, 0, sizeof *out);
	if (text == NULL || (eq = strrchr(text, '=')) == NULL || eq == text)
		return sj_fail(e, SJ_EINVAL, field, "expected NAME[/ENGLISH]=SIZE, as in 箱/box=40");
	slash = memchr(text, '/', (size_t)(eq - text));
	out->name = arena_strndup(a, text, (size_t)((slash ? slash : eq) - text));
	if (slash)
		out->name_en = arena_strndup(a, slash + 1, (size_t)(eq - slash - 1));
	/* trim the spaces around '=' and '/' */
	for (char *q = (char *)out->name + strlen(out->name); q > out->name && q[-1] == ' '; )
		*--q = '\0';
	if (out->name_en)
		for (char *q = (char *)out->name_en + strlen(out->name_en); q > out->name_en && q[-1] == ' '; )
			*--q = '\0';
	p = eq + 1;
	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!is_digit(*p))
		return sj_fail(e, SJ_EINVAL, field, "size '%s' is not a whole number", eq + 1);
	for (; is_digit(*p) && v <= SUPPLY_PACK_MAX; p++)
		v = v * 10 + (*p - '0');
	if ((*p == '.' || *p == ',') && is_digit(p[1]))
		return sj_fail(e, SJ_EINVAL, field, "size '%s': a pack holds a whole number of base units",
		    eq + 1);
	while (*p == ' ')
		p++;
	if (*p)
		return sj_fail(e, SJ_EINVAL, field, "size '%s' is not a whole number", eq + 1);
	out->size = neg ? -v : v;
	if (out->size < 1 || out->size > SUPPLY_PACK_MAX)
		return sj_fail(e, SJ_EINVAL, field,
		    "size must be a positive whole number of base units up to %d, got %s",
		    SUPPLY_PACK_MAX, eq + 1);
	return SJ_OK;
}

/* ---- items --------------------------------------------------------------- */

/* Validate the item fields of in (not the packs).  *uom receives the
 * base unit. */
static sj_rc
item_check(const supply_item_input *in, const supply_uom **uom, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_check_name(in->name, "name", SUPPLY_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->name_en, "name_en", SUPPLY_NAME_MAX, e)) != SJ_OK)
		return rc;
	if (in->category && *in->category &&
	    (rc = org_check_name(in->category, "category", 50, e)) != SJ_OK)
		return rc;
	if (uom && (*uom = uom_by_word(in->base_unit)) == NULL)
		return sj_fail(e, SJ_EINVAL, "base_unit", "'%s' is not a unit of measure; use one of %s",
		    in->base_unit ? in->base_unit : "", supply_uom_codes());
	return SJ_OK;
}

/* SJ_ECONFLICT (field) when name's key names an item other than self. */
static sj_rc
item_name_free(store *s, const char *name, int64_t self, const char *field, sj_err *e)
{
	store_stmt *st;
	char *key;
	bool row;
	sj_rc rc;

	if (name == NULL)
		return SJ_OK;
	if ((rc = store_prepare(s, item_sql[Q_ITEM_FIND], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(name);
	store_bind_text(st, 1, key);
	free(key);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		if (store_col_int(st, 0) != self) {
			store_reset(st);
			return sj_fail(e, SJ_ECONFLICT, field, "an item named '%s' exists", name);
		}
	return rc;
}

/* Bind the name columns (name, keys, sort key, category) at ?2..?7 in
 * the order of Q_ITEM_UPDATE (the insert binds its own way). */
static sj_rc
item_bind_names(store_stmt *st, int at, const supply_item_input *in, sj_err *e)
{
	char *key = text_search_key(in->name), *key_en = in->name_en ? text_search_key(in->name_en) : NULL;
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	sj_rc rc = text_sort_key(in->name, &sort, &sort_n, e);

	if (rc == SJ_OK) {
		store_bind_text(st, at, in->name);
		store_bind_text(st, at + 1, key);
		store_bind_text(st, at + 2, in->name_en);
		store_bind_text(st, at + 3, key_en);
		store_bind_blob(st, at + 4, sort, sort_n);
		store_bind_text(st, at + 5, in->category ? in->category : "");
	}
	free(key);
	free(key_en);
	free(sort);
	return rc;
}

/* Inside the add transaction. */
static sj_rc
item_add_tx(store *s, const supply_item_input *in, const supply_uom *uom, int64_t *id, sj_err *e)
{
	supply_item it = { .name = in->name, .uom = uom };
	store_stmt *st;
	arena a;
	char field[32];
	sj_rc rc;

	if ((rc = item_name_free(s, in->name, 0, "name", e)) != SJ_OK ||
	    (rc = item_name_free(s, in->name_en, 0, "name_en", e)) != SJ_OK ||
	    (rc = store_prepare(s, item_sql[Q_ITEM_ADD], &st, e)) != SJ_OK)
		return rc;
	/* Q_ITEM_ADD takes the names at ?1..?6, then base_unit, created_at. */
	if ((rc = item_bind_names(st, 1, in, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 7, uom->code);
	store_bind_int(st, 8, dt_now());
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		return rc == SJ_ECONFLICT ? sj_fail(e, rc, "name", "an item named '%s' exists", in->name)
		    : rc;
	arena_init(&a);
	for (size_t i = 0; i < in->n_packs && rc == SJ_OK; i++) {
		snprintf(field, sizeof field, "packs[%zu].", i);
		if ((rc = pack_check(&it, &in->packs[i], field, e)) == SJ_OK &&
		    (rc = pack_insert(s, *id, &in->packs[i], NULL, e)) == SJ_OK)
			pack_append(&a, &it, &in->packs[i]);
	}
	arena_free(&a);
	return rc;
}

sj_rc
supply_item_add(store *s, const scope *sc, const supply_item_input *in, int64_t *id, sj_err *e)
{
	const supply_uom *uom;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not add supply items");
	if ((rc = item_check(in, &uom, e)) != SJ_OK)
		return rc;
	if (in->n_packs > SUPPLY_PACKS_MAX)
		return sj_fail(e, SJ_EINVAL, "packs", "at most %d packs", SUPPLY_PACKS_MAX);
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = item_add_tx(s, in, uom, id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
supply_item_update(store *s, const scope *sc, int64_t id, const supply_item_input *in, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not change supply items");
	if ((rc = item_check(in, NULL, e)) != SJ_OK ||
	    (rc = item_name_free(s, in->name, id, "name", e)) != SJ_OK ||
	    (rc = item_name_free(s, in->name_en, id, "name_en", e)) != SJ_OK ||
	    (rc = store_prepare(s, item_sql[Q_ITEM_UPDATE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = item_bind_names(st, 2, in, e)) != SJ_OK || (rc = store_run(st, e)) != SJ_OK)
		return rc;
	if (store_changes(s) == 0)
		return sj_fail(e, SJ_ENOTFOUND, "item", "no item with id %lld", (long long)id);
	return SJ_OK;
}

static void
item_read(store_stmt *st, arena *a, supply_item *it)
{
	memset(it, 0, sizeof *it);
	it->id = store_col_int(st, 0);
	it->name = arena_strdup(a, store_col_text(st, 1));
	it->name_en = arena_strdup(a, store_col_text(st, 2));
	it->category = arena_strdup(a, store_col_text(st, 3));
	it->base_unit = arena_strdup(a, store_col_text(st, 4));
	it->uom = supply_uom_find(it->base_unit);
	it->created_at = store_col_int(st, 5);
}

static void
pack_read(store_stmt *st, arena *a, supply_pack *p)
{
	p->id = store_col_int(st, 0);
	p->item_id = store_col_int(st, 1);
	p->name = arena_strdup(a, store_col_text(st, 2));
	p->name_en = arena_strdup(a, store_col_text(st, 3));
	p->size = store_col_int(st, 4);
}

/* Fill it->packs from the store. */
static sj_rc
packs_load(store *s, arena *a, supply_item *it, sj_err *e)
{
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, item_sql[Q_PACKS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, it->id);
	it->packs = NULL;
	it->n_packs = 0;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		it->packs = arena_grow(a, it->packs, &cap, it->n_packs, sizeof *it->packs);
		pack_read(st, a, &it->packs[it->n_packs++]);
	}
	return rc;
}

sj_rc
supply_item_get(store *s, arena *a, int64_t id, supply_item *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, item_sql[Q_ITEM_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "item", "no item with id %lld", (long long)id);
	item_read(st, a, out);
	store_reset(st);
	return packs_load(s, a, out, e);
}

/* The decimal id in ref, or 0 when ref is not a plain positive number. */
static int64_t
ref_id(const char *ref)
{
	int64_t v = 0;

	if (ref == NULL || *ref == '\0' || strlen(ref) > 15)
		return 0;
	for (const char *p = ref; *p; p++) {
		if (!is_digit(*p))
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

sj_rc
supply_item_lookup(store *s, arena *a, const char *ref, const char *field, supply_item *out,
    sj_err *e)
{
	int64_t id = ref_id(ref), other = 0;
	store_stmt *st;
	char *key;
	bool row;
	sj_rc rc;

	if (id > 0) {
		if ((rc = supply_item_get(s, a, id, out, e)) == SJ_ENOTFOUND)
			return sj_fail(e, rc, field, "no item with id %lld", (long long)id);
		return rc;
	}
	if ((rc = org_check_name(ref, field, SUPPLY_NAME_MAX, e)) != SJ_OK ||
	    (rc = store_prepare(s, item_sql[Q_ITEM_FIND], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(ref);
	store_bind_text(st, 1, key);
	free(key);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (id == 0)
			id = store_col_int(st, 0);
		else
			other = store_col_int(st, 0);
	}
	if (rc != SJ_OK)
		return rc;
	if (id == 0)
		return sj_fail(e, SJ_ENOTFOUND, field, "no item named '%s'", ref);
	if (other)
		return sj_fail(e, SJ_ECONFLICT, field, "'%s' names two items; give the item's id", ref);
	return supply_item_get(s, a, id, out, e);
}

sj_rc
supply_item_list(store *s, arena *a, supply_item **out, size_t *n, sj_err *e)
{
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, item_sql[Q_ITEM_LIST], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		item_read(st, a, &(*out)[(*n)++]);
	}
	for (size_t i = 0; i < *n && rc == SJ_OK; i++)
		rc = packs_load(s, a, &(*out)[i], e);
	return rc;
}

static int
item_cmp_id(const void *x, const void *y)
{
	const supply_item *a = x, *b = y;

	return (a->id > b->id) - (a->id < b->id);
}

sj_rc
supply_item_set_load(store *s, arena *a, supply_item_set *set, sj_err *e)
{
	sj_rc rc = supply_item_list(s, a, &set->items, &set->n_items, e);

	if (rc == SJ_OK && set->n_items > 1)
		qsort(set->items, set->n_items, sizeof *set->items, item_cmp_id);
	return rc;
}

const supply_item *
supply_item_set_get(const supply_item_set *set, int64_t id)
{
	supply_item key = { .id = id };

	if (set->n_items == 0)
		return NULL;
	return bsearch(&key, set->items, set->n_items, sizeof key, item_cmp_id);
}
