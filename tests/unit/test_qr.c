/* Unit tests for core/qr: the round trip text → QR symbol → PNG → grey →
 * zbar → the same text, and through a JPEG made from that PNG with
 * libjpeg (here, independently of the module's own decoder); SVG output
 * parsed with expat (well-formed, names escaped and read back exactly);
 * PNG iTXt metadata read back with libpng; lettering drawn only with a
 * font; and the refusals: empty, garbage, truncated, oversized and
 * code-less images, two different codes in one photo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

#include "core/qr.h"

#define PASS_TEXT "SJP1.AQGyogFcAQ.HibxT7x41xwi6-rqAXU0sSNpL9mk14MuvkyVCaz-_0tDc7DTZ56TCeJKnB-WQNRX" \
	"uILH0b42xTaPtiOEA_pRDA"
#define URL_TEXT "http://127.0.0.1:8080/c/5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5UU"
#define FONTS "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:" \
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

/* A PNG of text with a caption, into a fresh buffer the caller frees. */
static void
png_of(const char *text, const qr_caption *c, buf *out, bool *lettered)
{
	sj_err e = {0};

	buf_init(out, QR_OUT_MAX);
	assert_int_equal(qr_render(text, c, "png", out, lettered, &e), SJ_OK);
	assert_true(out->len > 8);
}

static char *
decode_ok(const void *bytes, size_t n)
{
	sj_err e = {0};
	char *text = NULL;

	if (qr_decode_image(bytes, n, &text, &e) != SJ_OK)
		fail_msg("decode failed: %s: %s", e.field, e.msg);
	return text;
}

static void
assert_decode_fails(const void *bytes, size_t n, sj_rc rc, const char *msg_part)
{
	sj_err e = {0};
	char *text = (char *)"untouched";

	assert_int_equal(qr_decode_image(bytes, n, &text, &e), rc);
	assert_null(text);
	assert_string_equal(e.field, "image");
	if (strstr(e.msg, msg_part) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, msg_part);
}

static void
test_png_round_trip(void **state)
{
	static const char *const texts[] = { PASS_TEXT, URL_TEXT, "110105194912310029", NULL };
	qr_caption c = { .heading = "华新新干线小区", .font = "" };

	(void)state;
	for (const char *const *t = texts; *t; t++) {
		buf png;
		char *back;
		png_of(*t, &c, &png, NULL);
		back = decode_ok(png.data, png.len);
		assert_string_equal(back, *t);
		free(back);
		buf_free(&png);
	}
}

/* Grey pixels to a baseline JPEG with libjpeg, into a malloc'd buffer. */
static unsigned char *
jpeg_of(const unsigned char *px, int w, int h, int quality, unsigned long *n)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL;

	ci.err = jpeg_std_error(&err);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &out, n);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = 1;
	ci.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, quality, TRUE);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < ci.image_height) {
		JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * (size_t)w);
		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	return out;
}

/* The grey pixels of a PNG read with libpng's simplified API here, not
 * with the module under test. */
static unsigned char *
png_pixels(const buf *png, int *w, int *h)
{
	png_image img;
	unsigned char *px;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png->data, png->len));
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	*w = (int)img.width;
	*h = (int)img.height;
	return px;
}

static void
test_jpeg_round_trip(void **state)
{
	qr_caption c = { .heading = "张*", .font = "" };
	unsigned long n = 0;
	unsigned char *px, *jpg;
	char *back;
	int w, h;
	buf png;

	(void)state;
	png_of(PASS_TEXT, &c, &png, NULL);
	px = png_pixels(&png, &w, &h);
	jpg = jpeg_of(px, w, h, 75, &n);
	assert_true(n > 100 && jpg[0] == 0xff && jpg[1] == 0xd8);
	back = decode_ok(jpg, n);
	assert_string_equal(back, PASS_TEXT);
	free(back);
	free(jpg);
	free(px);
	buf_free(&png);
}

/* A photo-sized JPEG (3 times each side, over 2048 wide) is decoded at a
 * reduced scale and still reads. */
static void
test_large_jpeg_is_scaled(void **state)
{
	qr_caption c = { .width_px = 800 };
	unsigned char *px, *big, *jpg, *grey;
	unsigned long n = 0;
	int w, h, gw, gh;
	sj_err e = {0};
	char *back;
	buf png;

	(void)state;
	png_of(URL_TEXT, &c, &png, NULL);
	px = png_pixels(&png, &w, &h);
	big = malloc((size_t)w * 3 * (size_t)h * 3);
	for (int y = 0; y < h * 3; y++)
		for (int x = 0; x < w * 3; x++)
			big[(size_t)y * (size_t)w * 3 + (size_t)x] = px[(y / 3) * w + x / 3];
	jpg = jpeg_of(big, w * 3, h * 3, 80, &n);
	assert_int_equal(qr_image_grey(jpg, n, &grey, &gw, &gh, &e), SJ_OK);
	/* w*3 is about 2300 > 2048, so the decoder halves it. */
	assert_true(w * 3 > 2048);
	assert_int_equal(gw, (w * 3 + 1) / 2);
	assert_int_equal(gh, (h * 3 + 1) / 2);
	free(grey);
	back = decode_ok(jpg, n);
	assert_string_equal(back, URL_TEXT);
	free(back);
	free(jpg);
	free(big);
	free(px);
	buf_free(&png);
}

static void
test_garbage_refused(void **state)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char junk[512], fake[512];
	qr_caption c = {0};
	buf png;

	(void)state;
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	assert_decode_fails(junk, 0, SJ_EINVAL, "is empty");
	assert_decode_fails(NULL, 0, SJ_EINVAL, "is empty");
	assert_decode_fails(junk, sizeof junk, SJ_EINVAL, "neither a PNG nor a JPEG");
	assert_decode_fails("GIF89a", 6, SJ_EINVAL, "neither a PNG nor a JPEG");
	memcpy(fake, png_sig, 8);
	memcpy(fake + 8, junk, sizeof fake - 8);
	assert_decode_fails(fake, sizeof fake, SJ_EINVAL, "is not a valid PNG");
	fake[0] = 0xff;
	fake[1] = 0xd8;
	fake[2] = 0xff;
	assert_decode_fails(fake, sizeof fake, SJ_EINVAL, "is not a valid JPEG");
	/* A real PNG cut in half. */
	png_of(URL_TEXT, &c, &png, NULL);
	assert_decode_fails(png.data, png.len / 2, SJ_EINVAL, "is not a valid PNG");
	buf_free(&png);
}

/* A PNG of w × h white pixels, made with libpng directly; malloc'd. */
static unsigned char *
white_png(int w, int h, size_t *n)
{
	png_image img;
	png_alloc_size_t size = 0;
	unsigned char *px = malloc((size_t)w * (size_t)h), *out;

	memset(px, 255, (size_t)w * (size_t)h);
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_GRAY;
	assert_true(png_image_write_get_memory_size(img, size, 0, px, 0, NULL));
	out = malloc(size);
	assert_true(png_image_write_to_memory(&img, out, &size, 0, px, 0, NULL));
	free(px);
	*n = size;
	return out;
}

static void
test_oversized_and_blank(void **state)
{
	unsigned char *px, *jpg, *png;
	unsigned long n = 0;
	size_t png_n;

	(void)state;
	/* 9000 pixels wide passes the pixel count but not the side limit. */
	png = white_png(9000, 2, &png_n);
	assert_decode_fails(png, png_n, SJ_ETOOBIG, "9000×2 pixels");
	free(png);
	px = malloc(9000 * 8);
	memset(px, 255, 9000 * 8);
	jpg = jpeg_of(px, 9000, 8, 50, &n);
	assert_decode_fails(jpg, n, SJ_ETOOBIG, "9000×8 pixels");
	free(jpg);
	free(px);
	/* A plain white picture holds no code. */
	png = white_png(300, 300, &png_n);
	assert_decode_fails(png, png_n, SJ_EINVAL, "no QR code found");
	free(png);
}

static void
test_two_codes_refused(void **state)
{
	qr_symbol a, b;
	sj_err e = {0};
	unsigned char *px;
	char *text = NULL;
	int m = 6, side, w, h;

	(void)state;
	assert_int_equal(qr_encode("first code", &a, &e), SJ_OK);
	assert_int_equal(qr_encode("second code", &b, &e), SJ_OK);
	side = (a.width + 8) * m;
	w = side * 2;
	h = side;
	px = malloc((size_t)w * (size_t)h);
	memset(px, 255, (size_t)w * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const qr_symbol *q = x < side ? &a : &b;
			int mx = (x % side) / m - 4, my = y / m - 4;
			if (mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
			    q->modules[my * q->width + mx])
				px[(size_t)y * (size_t)w + (size_t)x] = 0;
		}
	assert_int_equal(qr_decode_grey(px, w, h, &text, &e), SJ_EINVAL);
	assert_null(text);
	assert_non_null(strstr(e.msg, "several different QR codes"));
	free(px);
	qr_symbol_free(&a);
	qr_symbol_free(&b);
}

static void
test_encode_limits(void **state)
{
	char big[QR_TEXT_MAX + 2];
	qr_symbol q = { .width = 99 };
	sj_err e = {0};

	(void)state;
	assert_int_equal(qr_encode("", &q, &e), SJ_EINVAL);
	assert_string_equal(e.field, "text");
	assert_null(q.modules);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(qr_encode(big, &q, &e), SJ_ETOOBIG);
	/* Version 1 is 21 modules; a 102-byte pass at level M needs version 6
	 * (ISO/IEC 18004 table 7: 106 bytes at 6-M), 41 modules. */
	assert_int_equal(qr_encode(PASS_TEXT, &q, &e), SJ_OK);
	assert_int_equal(strlen(PASS_TEXT), 102);
	assert_int_equal(q.width, 41);
	qr_symbol_free(&q);
	qr_symbol_free(NULL);
}

/* ---- SVG, parsed with expat --------------------------------------------- */

typedef struct svg_seen {
	int depth, max_depth;
	char root[16];
	int n_text, n_path, n_rect, n_script;
	char title[256];
	char texts[4][256];
	char *into;          /* the text content being collected, or NULL */
	size_t into_n;
} svg_seen;

static void XMLCALL
svg_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	svg_seen *s = ud;

	(void)attrs;
	if (s->depth++ == 0)
		snprintf(s->root, sizeof s->root, "%s", name);
	if (strcmp(name, "text") == 0 && s->n_text < 4) {
		s->into = s->texts[s->n_text++];
		s->into_n = sizeof s->texts[0];
	} else if (strcmp(name, "title") == 0) {
		s->into = s->title;
		s->into_n = sizeof s->title;
	}
	s->n_path += strcmp(name, "path") == 0;
	s->n_rect += strcmp(name, "rect") == 0;
	s->n_script += strcmp(name, "script") == 0;
}

static void XMLCALL
svg_end(void *ud, const XML_Char *name)
{
	svg_seen *s = ud;

	(void)name;
	s->depth--;
	s->into = NULL;
}

static void XMLCALL
svg_chars(void *ud, const XML_Char *t, int n)
{
	svg_seen *s = ud;
	size_t have;

	if (s->into == NULL)
		return;
	have = strlen(s->into);
	if (have + (size_t)n < s->into_n) {
		memcpy(s->into + have, t, (size_t)n);
		s->into[have + (size_t)n] = '\0';
	}
}

static void
svg_parse(const buf *svg, svg_seen *seen)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	memset(seen, 0, sizeof *seen);
	XML_SetUserData(p, seen);
	XML_SetElementHandler(p, svg_start, svg_end);
	XML_SetCharacterDataHandler(p, svg_chars);
	if (XML_Parse(p, svg->data, (int)svg->len, 1) == XML_STATUS_ERROR)
		fail_msg("SVG is not well-formed: %s at line %lu", XML_ErrorString(XML_GetErrorCode(p)),
		    (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
}

static void
test_svg_well_formed_and_escaped(void **state)
{
	/* A name carrying every XML special character and a CJK part. */
	static const char name[] = "<b>R&D \"东\" 'gate'</b>";
	qr_caption c = { .heading = name, .lines = { "大门疫情监测点", "扫码登记 · Scan to check in" },
	    .n_lines = 2, .title = name };
	svg_seen seen;
	sj_err e = {0};
	buf svg;

	(void)state;
	buf_init(&svg, QR_OUT_MAX);
	assert_int_equal(qr_render(URL_TEXT, &c, "svg", &svg, NULL, &e), SJ_OK);
	assert_null(strstr(svg.data, "<b>"));
	svg_parse(&svg, &seen);
	assert_string_equal(seen.root, "svg");
	assert_int_equal(seen.depth, 0);
	assert_int_equal(seen.n_path, 1);
	assert_int_equal(seen.n_rect, 1);
	assert_int_equal(seen.n_script, 0);
	assert_int_equal(seen.n_text, 3);
	assert_string_equal(seen.texts[0], name);   /* the parser undid the escaping */
	assert_string_equal(seen.texts[1], "大门疫情监测点");
	assert_string_equal(seen.texts[2], "扫码登记 · Scan to check in");
	assert_string_equal(seen.title, name);
	buf_free(&svg);
}

/* The SVG's path covers exactly the dark modules: count the unit squares
 * its "h" runs cover against the symbol's dark modules. */
static void
test_svg_path_matches_symbol(void **state)
{
	qr_caption c = { .width_px = 400 };
	qr_symbol q;
	sj_err e = {0};
	long dark = 0, covered = 0, module;
	const char *p;
	buf svg;

	(void)state;
	assert_int_equal(qr_encode(URL_TEXT, &q, &e), SJ_OK);
	for (int i = 0; i < q.width * q.width; i++)
		dark += q.modules[i];
	buf_init(&svg, QR_OUT_MAX);
	assert_int_equal(qr_render_svg(&q, &c, &svg, &e), SJ_OK);
	module = 400 / (q.width + 8);
	for (p = strstr(svg.data, " d=\"M"); p && (p = strchr(p, 'h')) != NULL; p++) {
		long run;
		if (p[1] == '-')
			continue;
		run = strtol(p + 1, NULL, 10);
		covered += run / module;
	}
	assert_int_equal(covered, dark);
	qr_symbol_free(&q);
	buf_free(&svg);
}

static void
test_png_metadata_and_lettering(void **state)
{
	qr_caption c = { .heading = "华新新干线小区", .title = "场所码 华新新干线小区",
	    .description = URL_TEXT, .width_px = 400 };
	unsigned char *px;
	int w, h, dark_below_plain = 0, dark_below_font = 0, start;
	bool lettered = true;
	buf plain, font;
	png_structp rd;
	png_infop info;
	png_textp texts;
	int n_texts, found = 0;
	FILE *f;

	(void)state;
	c.font = "";
	png_of(URL_TEXT, &c, &plain, &lettered);
	assert_false(lettered);
	/* Metadata, read back with libpng's full API from a file. */
	f = fmemopen(plain.data, plain.len, "rb");
	rd = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(rd);
	png_init_io(rd, f);
	png_read_info(rd, info);
	n_texts = png_get_text(rd, info, &texts, NULL);
	for (int i = 0; i < n_texts; i++) {
		if (strcmp(texts[i].key, "Title") == 0) {
			assert_int_equal(texts[i].compression, PNG_ITXT_COMPRESSION_NONE);
			assert_string_equal(texts[i].text, "场所码 华新新干线小区");
			found++;
		}
		if (strcmp(texts[i].key, "Description") == 0) {
			assert_string_equal(texts[i].text, URL_TEXT);
			found++;
		}
	}
	assert_int_equal(found, 2);
	png_destroy_read_struct(&rd, &info, NULL);
	fclose(f);
	/* Below the symbol: white without a font, ink with one. */
	px = png_pixels(&plain, &w, &h);
	start = w;  /* the symbol with its quiet zone is w × w */
	assert_true(h > w);
	for (int i = start * w; i < w * h; i++)
		dark_below_plain += px[i] < 128;
	free(px);
	assert_int_equal(dark_below_plain, 0);
	if (access("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", R_OK) != 0) {
		buf_free(&plain);
		skip();
	}
	c.font = "/nonexistent.ttf:" FONTS;
	png_of(URL_TEXT, &c, &font, &lettered);
	assert_true(lettered);
	px = png_pixels(&font, &w, &h);
	for (int i = start * w; i < w * h; i++)
		dark_below_font += px[i] < 128;
	free(px);
	assert_true(dark_below_font > 200);
	/* Lettering leaves the code readable. */
	{
		char *back = decode_ok(font.data, font.len);
		assert_string_equal(back, URL_TEXT);
		free(back);
	}
	buf_free(&plain);
	buf_free(&font);
}

static void
test_bad_format_and_width(void **state)
{
	qr_caption c = { .width_px = 100 };
	sj_err e = {0};
	buf out;

	(void)state;
	buf_init(&out, QR_OUT_MAX);
	assert_int_equal(qr_render(URL_TEXT, &c, "gif", &out, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "format");
	assert_int_equal(qr_render(URL_TEXT, &c, "png", &out, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "width_px");
	assert_int_equal(out.len, 0);
	assert_null(qr_media_type("jpeg"));
	assert_string_equal(qr_media_type("png"), "image/png");
	buf_free(&out);
	/* A buffer too small for the picture: refused, left as it was. */
	buf_init(&out, 1000);
	c.width_px = 800;
	assert_int_equal(qr_render(URL_TEXT, &c, "png", &out, NULL, &e), SJ_ETOOBIG);
	assert_int_equal(out.len, 0);
	assert_int_equal(qr_render(URL_TEXT, &c, "svg", &out, NULL, &e), SJ_ETOOBIG);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_jpeg_round_trip),
		cmocka_unit_test(test_large_jpeg_is_scaled),
		cmocka_unit_test(test_garbage_refused),
		cmocka_unit_test(test_oversized_and_blank),
		cmocka_unit_test(test_two_codes_refused),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_svg_well_formed_and_escaped),
		cmocka_unit_test(test_svg_path_matches_symbol),
		cmocka_unit_test(test_png_metadata_and_lettering),
		cmocka_unit_test(test_bad_format_and_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
