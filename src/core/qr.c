/*
 * qr — QR symbols with libqrencode; PNG (libpng) and SVG pictures of them
 * with a caption; PNG and JPEG photos to grey and zbar to read them.
 *
 * One geometry serves both pictures: the symbol with its quiet zone at
 * the top, each module `module` pixels square, then one row per caption
 * line with its font size and baseline.  PNG lettering is FreeType's
 * anti-aliased glyphs drawn black on white (coverage darkens the pixel);
 * glyphs the font lacks come out as its .notdef box.  libpng and libjpeg
 * report fatal errors by longjmp: the functions that call them keep
 * everything they must free in volatile locals or in the caller's frame.
 */
#include "core/qr.h"

#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>  /* before jpeglib.h, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <qrencode.h>
#include <zbar.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "core/text.h"

#define WIDTH_DEFAULT 800
#define WIDTH_MIN 160
#define WIDTH_MAX 4000
#define JPEG_SIDE_TARGET 2048  /* decode large photos scaled down to about this */
#define JPEG_MAX_SCANS 64      /* progressive scans allowed (bounds decoding work) */
#define JPEG_MAX_MEMORY ((long)256 << 20)
#define FONT_PX_MIN 8

/* ---- symbols ------------------------------------------------------------ */

sj_rc
qr_encode(const char *text, qr_symbol *out, sj_err *e)
{
	size_t n = text ? strlen(text) : 0;
	QRcode *code;
	size_t cells;

	out->width = 0;
	out->modules = NULL;
	if (n == 0)
		return sj_fail(e, SJ_EINVAL, "text", "is empty");
	if (n > QR_TEXT_MAX)
		return sj_fail(e, SJ_ETOOBIG, "text", "is %zu bytes, at most %d", n, QR_TEXT_MAX);
	errno = 0;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ERANGE)
			return sj_fail(e, SJ_ETOOBIG, "text", "is too long for a QR code");
		if (errno == ENOMEM)
			sj_oom(n);
		return sj_fail(e, SJ_EINTERNAL, "text", "libqrencode failed: %s", strerror(errno));
	}
	cells = (size_t)code->width * (size_t)code->width;
	out->width = code->width;
	out->modules = sj_malloc(cells);
	/* libqrencode: bit 0 of each byte is the module's colour (1 = dark). */
	for (size_t i = 0; i < cells; i++)
		out->modules[i] = code->data[i] & 1;
	QRcode_free(code);
	return SJ_OK;
}

void
qr_symbol_free(qr_symbol *q)
{
	if (q == NULL)
		return;
	free(q->modules);
	q->modules = NULL;
	q->width = 0;
}

/* ---- geometry ----------------------------------------------------------- */

typedef struct text_row {
	const char *text;
	int size;       /* font size in pixels (em) */
	int baseline;   /* y of the baseline */
} text_row;

typedef struct geometry {
	int module;     /* pixels per module */
	int qr_px;      /* side of the symbol with its quiet zone */
	int w, h;       /* the picture */
	int avail;      /* width a text row may take */
	text_row rows[1 + QR_CAPTION_LINES_MAX];
	int n_rows;
} geometry;

static void
row_add(geometry *g, const char *text, int size, int *y)
{
	text_row *r;

	if (text == NULL || *text == '\0')
		return;
	r = &g->rows[g->n_rows++];
	r->text = text;
	r->size = size;
	r->baseline = *y + size;
	*y += size + size / 2;
}

static sj_rc
geometry_of(const qr_symbol *q, const qr_caption *c, geometry *g, sj_err *e)
{
	int want = c->width_px ? c->width_px : WIDTH_DEFAULT, y;

	if (want < WIDTH_MIN || want > WIDTH_MAX)
		return sj_fail(e, SJ_EINVAL, "width_px", "must be %d..%d pixels, got %d", WIDTH_MIN,
		    WIDTH_MAX, want);
	memset(g, 0, sizeof *g);
	g->module = want / (q->width + 2 * QR_QUIET_ZONE);
	if (g->module < 2)
		g->module = 2;
	g->qr_px = g->module * (q->width + 2 * QR_QUIET_ZONE);
	g->w = g->qr_px;
	g->avail = g->w - 2 * QR_QUIET_ZONE * g->module;
	/* The symbol's bottom quiet zone is the space above the first line. */
	y = g->qr_px;
	row_add(g, c->heading, g->w / 11, &y);
	for (size_t i = 0; i < c->n_lines && i < QR_CAPTION_LINES_MAX; i++)
		row_add(g, c->lines[i], g->w / 24, &y);
	g->h = g->n_rows ? y + QR_QUIET_ZONE * g->module : g->qr_px;
	return SJ_OK;
}

/* The next code point of the UTF-8 string at *s, advancing *s; U+FFFD for
 * a byte that starts no valid sequence (callers pass checked text). */
static uint32_t
utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) { cp = p[0] & 0x1f; n = 1; }
	else if ((p[0] & 0xf0) == 0xe0) { cp = p[0] & 0x0f; n = 2; }
	else if ((p[0] & 0xf8) == 0xf0) { cp = p[0] & 0x07; n = 3; }
	else { *s += 1; return 0xfffd; }
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return 0xfffd;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return cp;
}

/* True for code points East Asian text sets a full em wide (UAX #11
 * Wide and Fullwidth, the blocks that matter for names). */
static bool
cp_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/* Estimated width of s in tenths of an em. */
static long
estimate_tenths(const char *s)
{
	long w = 0;

	while (*s)
		w += cp_wide(utf8_next(&s)) ? 10 : 6;
	return w;
}

/* ---- PNG ---------------------------------------------------------------- */

typedef struct canvas {
	int w, h;
	unsigned char *px;  /* grey, 255 = white */
} canvas;

static void
canvas_symbol(canvas *cv, const qr_symbol *q, const geometry *g)
{
	int off = QR_QUIET_ZONE * g->module;

	memset(cv->px, 255, (size_t)cv->w * (size_t)cv->h);
	for (int my = 0; my < q->width; my++)
		for (int mx = 0; mx < q->width; mx++) {
			if (!q->modules[my * q->width + mx])
				continue;
			for (int y = 0; y < g->module; y++)
				memset(cv->px + (size_t)(off + my * g->module + y) * (size_t)cv->w +
				    off + mx * g->module, 0, (size_t)g->module);
		}
}

#define FACES_MAX 4

/* The fonts of a caption: up to FACES_MAX faces, tried in order for
 * each character. */
typedef struct fontset {
	FT_Library lib;
	FT_Face faces[FACES_MAX];
	int n;
} fontset;

/* Open the font files of list (separated by ':'); false when none loads. */
static bool
fontset_open(fontset *fs, const char *list)
{
	char *copy, *tok, *save = NULL;

	memset(fs, 0, sizeof *fs);
	if (list == NULL || *list == '\0' || FT_Init_FreeType(&fs->lib) != 0)
		return false;
	copy = sj_strdup(list);
	for (tok = strtok_r(copy, ":", &save); tok && fs->n < FACES_MAX;
	    tok = strtok_r(NULL, ":", &save)) {
		FT_Face face;
		if (FT_New_Face(fs->lib, tok, 0, &face) != 0)
			continue;
		if (FT_Select_Charmap(face, FT_ENCODING_UNICODE) != 0) {
			FT_Done_Face(face);
			continue;
		}
		fs->faces[fs->n++] = face;
	}
	free(copy);
	if (fs->n == 0) {
		FT_Done_FreeType(fs->lib);
		return false;
	}
	return true;
}

static void
fontset_close(fontset *fs)
{
	for (int i = 0; i < fs->n; i++)
		FT_Done_Face(fs->faces[i]);
	FT_Done_FreeType(fs->lib);
}

static void
fontset_size(fontset *fs, int px)
{
	for (int i = 0; i < fs->n; i++)
		FT_Set_Pixel_Sizes(fs->faces[i], 0, (FT_UInt)px);
}

/* The glyph of cp loaded (and rendered when render) from the first face
 * that has it, or the first face's .notdef; NULL when loading fails. */
static FT_GlyphSlot
fontset_glyph(fontset *fs, uint32_t cp, bool render)
{
	FT_Face face = fs->faces[0];

	for (int i = 0; i < fs->n; i++)
		if (FT_Get_Char_Index(fs->faces[i], cp) != 0) {
			face = fs->faces[i];
			break;
		}
	if (FT_Load_Char(face, cp, render ? FT_LOAD_RENDER : FT_LOAD_DEFAULT) != 0)
		return NULL;
	return face->glyph;
}

/* Width of s in pixels at the current size. */
static long
ft_width(fontset *fs, const char *s)
{
	FT_GlyphSlot g;
	long w = 0;

	while (*s)
		if ((g = fontset_glyph(fs, utf8_next(&s), false)) != NULL)
			w += g->advance.x >> 6;
	return w;
}

static void
ft_blit(canvas *cv, const FT_Bitmap *bm, int x0, int y0)
{
	for (unsigned r = 0; r < bm->rows; r++) {
		int y = y0 + (int)r;
		if (y < 0 || y >= cv->h)
			continue;
		for (unsigned c = 0; c < bm->width; c++) {
			int x = x0 + (int)c;
			unsigned char cover = bm->buffer[(int)r * bm->pitch + (int)c];
			unsigned char *p;
			if (x < 0 || x >= cv->w || cover == 0)
				continue;
			p = &cv->px[(size_t)y * (size_t)cv->w + (size_t)x];
			if (255 - cover < *p)
				*p = (unsigned char)(255 - cover);
		}
	}
}

/* Draw one row centred, shrinking its size until it fits g->avail. */
static void
ft_row(canvas *cv, fontset *fs, const geometry *g, const text_row *row)
{
	int size = row->size;
	const char *s = row->text;
	FT_GlyphSlot gl;
	long w;
	int pen;

	fontset_size(fs, size);
	w = ft_width(fs, s);
	if (w > g->avail && w > 0) {
		size = (int)((long)size * g->avail / w);
		if (size < FONT_PX_MIN)
			size = FONT_PX_MIN;
		fontset_size(fs, size);
		w = ft_width(fs, s);
	}
	pen = (int)((cv->w - w) / 2);
	while (*s) {
		if ((gl = fontset_glyph(fs, utf8_next(&s), true)) == NULL)
			continue;
		if (gl->bitmap.pixel_mode == FT_PIXEL_MODE_GRAY)
			ft_blit(cv, &gl->bitmap, pen + gl->bitmap_left, row->baseline - gl->bitmap_top);
		pen += (int)(gl->advance.x >> 6);
	}
}

/* Letter the caption rows; false when no font can be used. */
static bool
canvas_letter(canvas *cv, const geometry *g, const char *fonts)
{
	fontset fs;

	if (g->n_rows == 0 || !fontset_open(&fs, fonts))
		return false;
	for (int i = 0; i < g->n_rows; i++)
		ft_row(cv, &fs, g, &g->rows[i]);
	fontset_close(&fs);
	return true;
}

typedef struct png_sink {
	buf *out;
	char msg[160];
} png_sink;

static void
png_sink_write(png_structp png, png_bytep data, size_t n)
{
	png_sink *s = png_get_io_ptr(png);

	if (buf_append(s->out, data, n, NULL) != SJ_OK)
		png_error(png, "the picture is larger than its buffer allows");
}

static void
png_sink_flush(png_structp png)
{
	(void)png;
}

static void
png_on_error(png_structp png, png_const_charp msg)
{
	png_sink *s = png_get_error_ptr(png);

	snprintf(s->msg, sizeof s->msg, "%s", msg);
	png_longjmp(png, 1);
}

static void
png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Fill the iTXt/tEXt chunks; returns how many. */
static int
png_texts(const qr_caption *c, png_text t[3])
{
	int n = 0;

	memset(t, 0, 3 * sizeof *t);
	t[n].compression = PNG_TEXT_COMPRESSION_NONE;
	t[n].key = "Software";
	t[n++].text = "sijin";
	if (c->title && *c->title) {
		t[n].compression = PNG_ITXT_COMPRESSION_NONE;
		t[n].key = "Title";
		t[n].text = (char *)c->title;
		t[n].itxt_length = strlen(c->title);
		t[n++].lang = "";
	}
	if (c->description && *c->description) {
		t[n].compression = PNG_ITXT_COMPRESSION_NONE;
		t[n].key = "Description";
		t[n].text = (char *)c->description;
		t[n].itxt_length = strlen(c->description);
		t[n++].lang = "";
	}
	return n;
}

static sj_rc
png_write_canvas(const canvas *cv, const qr_caption *c, buf *out, sj_err *e)
{
	png_sink sink = { .out = out };
	png_structp png;
	png_infop info = NULL;
	png_bytep *volatile rows = NULL;
	size_t start = out->len;
	png_text t[3];

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_on_error, png_on_warning);
	if (png == NULL)
		return sj_fail(e, SJ_EINTERNAL, NULL, "libpng could not start");
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(rows);
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		if (strstr(sink.msg, "larger than"))
			return sj_fail(e, SJ_ETOOBIG, "body", "%s", sink.msg);
		return sj_fail(e, SJ_EINTERNAL, NULL, "libpng: %s", sink.msg);
	}
	info = png_create_info_struct(png);
	if (info == NULL)
		png_error(png, "no memory for the PNG header");
	png_set_write_fn(png, &sink, png_sink_write, png_sink_flush);
	png_set_IHDR(png, info, (png_uint_32)cv->w, (png_uint_32)cv->h, 8, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_text(png, info, t, png_texts(c, t));
	rows = sj_malloc((size_t)cv->h * sizeof *rows);
	for (int y = 0; y < cv->h; y++)
		rows[y] = cv->px + (size_t)y * (size_t)cv->w;
	png_set_rows(png, info, rows);
	png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
	png_destroy_write_struct(&png, &info);
	free(rows);
	return SJ_OK;
}

sj_rc
qr_render_png(const qr_symbol *q, const qr_caption *c, buf *out, bool *lettered, sj_err *e)
{
	geometry g;
	canvas cv;
	bool drawn;
	sj_rc rc;

	if (lettered)
		*lettered = false;
	if ((rc = geometry_of(q, c, &g, e)) != SJ_OK)
		return rc;
	cv.w = g.w;
	cv.h = g.h;
	cv.px = sj_malloc((size_t)cv.w * (size_t)cv.h);
	canvas_symbol(&cv, q, &g);
	drawn = canvas_letter(&cv, &g, c->font);
	rc = png_write_canvas(&cv, c, out, e);
	free(cv.px);
	if (rc == SJ_OK && lettered)
		*lettered = drawn;
	return rc;
}

/* ---- SVG ---------------------------------------------------------------- */

/* Append s with the five XML special characters escaped (XML 1.0 §2.4). */
static sj_rc
xml_escape(buf *out, const char *s, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (const char *p = s; *p && rc == SJ_OK; p++) {
		switch (*p) {
		case '&': rc = buf_puts(out, "&amp;", e); break;
		case '<': rc = buf_puts(out, "&lt;", e); break;
		case '>': rc = buf_puts(out, "&gt;", e); break;
		case '"': rc = buf_puts(out, "&quot;", e); break;
		case '\'': rc = buf_puts(out, "&#39;", e); break;
		default: rc = buf_append(out, p, 1, e);
		}
	}
	return rc;
}

/* The dark modules as one path: per row, one rectangle per run. */
static sj_rc
svg_path(buf *out, const qr_symbol *q, const geometry *g, sj_err *e)
{
	int off = QR_QUIET_ZONE * g->module, m = g->module;
	sj_rc rc = buf_puts(out, "<path fill=\"#000\" d=\"", e);

	for (int y = 0; y < q->width && rc == SJ_OK; y++)
		for (int x = 0; x < q->width && rc == SJ_OK; x++) {
			int run = 0;
			if (!q->modules[y * q->width + x] || (x > 0 && q->modules[y * q->width + x - 1]))
				continue;
			while (x + run < q->width && q->modules[y * q->width + x + run])
				run++;
			rc = buf_printf(out, e, "M%d %dh%dv%dh-%dz", off + x * m, off + y * m, run * m, m,
			    run * m);
		}
	if (rc == SJ_OK)
		rc = buf_puts(out, "\"/>\n", e);
	return rc;
}

static sj_rc
svg_row(buf *out, const geometry *g, const text_row *row, sj_err *e)
{
	long tenths = estimate_tenths(row->text);
	int size = row->size;
	sj_rc rc;

	if (tenths * size > (long)g->avail * 10 && tenths > 0) {
		size = (int)((long)g->avail * 10 / tenths);
		if (size < FONT_PX_MIN)
			size = FONT_PX_MIN;
	}
	if ((rc = buf_printf(out, e, "<text x=\"%d\" y=\"%d\" font-size=\"%d\">", g->w / 2,
	    row->baseline, size)) != SJ_OK || (rc = xml_escape(out, row->text, e)) != SJ_OK)
		return rc;
	return buf_puts(out, "</text>\n", e);
}

static sj_rc
svg_meta(buf *out, const char *tag, const char *s, sj_err *e)
{
	sj_rc rc;

	if (s == NULL || *s == '\0')
		return SJ_OK;
	if ((rc = buf_printf(out, e, "<%s>", tag)) != SJ_OK || (rc = xml_escape(out, s, e)) != SJ_OK)
		return rc;
	return buf_printf(out, e, "</%s>\n", tag);
}

sj_rc
qr_render_svg(const qr_symbol *q, const qr_caption *c, buf *out, sj_err *e)
{
	size_t start = out->len;
	geometry g;
	sj_rc rc;

	if ((rc = geometry_of(q, c, &g, e)) != SJ_OK)
		return rc;
	rc = buf_printf(out, e,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\">\n", g.w, g.h, g.w, g.h);
	if (rc == SJ_OK)
		rc = svg_meta(out, "title", c->title, e);
	if (rc == SJ_OK)
		rc = svg_meta(out, "desc", c->description, e);
	if (rc == SJ_OK)
		rc = buf_printf(out, e, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", g.w, g.h);
	if (rc == SJ_OK)
		rc = svg_path(out, q, &g, e);
	if (rc == SJ_OK && g.n_rows)
		rc = buf_puts(out, "<g fill=\"#000\" text-anchor=\"middle\" font-family=\"'Noto Sans CJK SC',"
		    "'Source Han Sans SC','PingFang SC','Microsoft YaHei','Droid Sans Fallback',"
		    "sans-serif\">\n", e);
	for (int i = 0; i < g.n_rows && rc == SJ_OK; i++)
		rc = svg_row(out, &g, &g.rows[i], e);
	if (rc == SJ_OK && g.n_rows)
		rc = buf_puts(out, "</g>\n", e);
	if (rc == SJ_OK)
		rc = buf_puts(out, "</svg>\n", e);
	if (rc != SJ_OK) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

const char *
qr_media_type(const char *format)
{
	if (format && strcmp(format, "png") == 0)
		return "image/png";
	if (format && strcmp(format, "svg") == 0)
		return "image/svg+xml; charset=utf-8";
	return NULL;
}

sj_rc
qr_render(const char *text, const qr_caption *c, const char *format, buf *out, bool *lettered,
    sj_err *e)
{
	qr_symbol q;
	sj_rc rc;

	if (lettered)
		*lettered = false;
	if (qr_media_type(format) == NULL)
		return sj_fail(e, SJ_EINVAL, "format", "must be png or svg");
	if ((rc = qr_encode(text, &q, e)) != SJ_OK)
		return rc;
	if (strcmp(format, "png") == 0)
		rc = qr_render_png(&q, c, out, lettered, e);
	else
		rc = qr_render_svg(&q, c, out, e);
	qr_symbol_free(&q);
	return rc;
}

/* ---- reading photos ----------------------------------------------------- */

static sj_rc
too_big(sj_err *e, long w, long h)
{
	return sj_fail(e, SJ_ETOOBIG, "image", "is %ld×%ld pixels, at most %ld pixels and %d a side",
	    w, h, QR_IMAGE_MAX_PIXELS, QR_IMAGE_MAX_SIDE);
}

static bool
dims_ok(long w, long h)
{
	return w > 0 && h > 0 && w <= QR_IMAGE_MAX_SIDE && h <= QR_IMAGE_MAX_SIDE &&
	    w * h <= QR_IMAGE_MAX_PIXELS;
}

static sj_rc
png_grey(const void *bytes, size_t n, unsigned char **px, int *w, int *h, sj_err *e)
{
	png_image img;
	png_color white = { 255, 255, 255 };
	unsigned char *out;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, bytes, n)) {
		sj_fail(e, SJ_EINVAL, "image", "is not a valid PNG: %s", img.message);
		png_image_free(&img);
		return SJ_EINVAL;
	}
	if (!dims_ok((long)img.width, (long)img.height)) {
		png_image_free(&img);
		return too_big(e, (long)img.width, (long)img.height);
	}
	img.format = PNG_FORMAT_GRAY;
	out = sj_malloc(PNG_IMAGE_SIZE(img));
	if (!png_image_finish_read(&img, &white, out, 0, NULL)) {
		sj_fail(e, SJ_EINVAL, "image", "is not a valid PNG: %s", img.message);
		png_image_free(&img);
		free(out);
		return SJ_EINVAL;
	}
	*px = out;
	*w = (int)img.width;
	*h = (int)img.height;
	png_image_free(&img);
	return SJ_OK;
}

typedef struct jpeg_fail {
	struct jpeg_error_mgr pub;
	struct jpeg_progress_mgr progress;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
} jpeg_fail;

static void
jpeg_on_error(j_common_ptr ci)
{
	jpeg_fail *f = (jpeg_fail *)ci->err;

	ci->err->format_message(ci, f->msg);
	longjmp(f->jump, 1);
}

/* Warnings (corrupt data the decoder works around) are not fatal. */
static void
jpeg_on_message(j_common_ptr ci, int level)
{
	(void)ci;
	(void)level;
}

/* Stop progressive images with an absurd number of scans: each scan is
 * another pass over the whole picture. */
static void
jpeg_on_progress(j_common_ptr ci)
{
	jpeg_fail *f = (jpeg_fail *)ci->err;

	if (ci->is_decompressor && ((j_decompress_ptr)ci)->input_scan_number > JPEG_MAX_SCANS) {
		snprintf(f->msg, sizeof f->msg, "more than %d progressive scans", JPEG_MAX_SCANS);
		longjmp(f->jump, 1);
	}
}

/* 1, 2, 4 or 8: the first scale that brings both sides within
 * JPEG_SIDE_TARGET (or 8). */
static unsigned
jpeg_denom(unsigned w, unsigned h)
{
	unsigned denom = 1;

	while (denom < 8 && (w / denom > JPEG_SIDE_TARGET || h / denom > JPEG_SIDE_TARGET))
		denom *= 2;
	return denom;
}

static sj_rc
jpeg_grey(const void *bytes, size_t n, unsigned char **px, int *w, int *h, sj_err *e)
{
	struct jpeg_decompress_struct ci;
	jpeg_fail f;
	unsigned char *volatile out = NULL;

	memset(&f, 0, sizeof f);
	ci.err = jpeg_std_error(&f.pub);
	f.pub.error_exit = jpeg_on_error;
	f.pub.emit_message = jpeg_on_message;
	f.progress.progress_monitor = jpeg_on_progress;
	if (setjmp(f.jump)) {
		jpeg_destroy_decompress(&ci);
		free(out);
		if (strncmp(f.msg, "too big:", 8) == 0)
			return sj_fail(e, SJ_ETOOBIG, "image", "%s", f.msg + 9);
		return sj_fail(e, SJ_EINVAL, "image", "is not a valid JPEG: %s", f.msg);
	}
	jpeg_create_decompress(&ci);
	ci.progress = &f.progress;
	ci.mem->max_memory_to_use = JPEG_MAX_MEMORY;
	jpeg_mem_src(&ci, bytes, (unsigned long)n);
	jpeg_read_header(&ci, TRUE);
	if (!dims_ok((long)ci.image_width, (long)ci.image_height)) {
		snprintf(f.msg, sizeof f.msg, "too big: is %ld×%ld pixels, at most %ld pixels and %d "
		    "a side", (long)ci.image_width, (long)ci.image_height, QR_IMAGE_MAX_PIXELS,
		    QR_IMAGE_MAX_SIDE);
		longjmp(f.jump, 1);
	}
	ci.scale_num = 1;
	ci.scale_denom = jpeg_denom(ci.image_width, ci.image_height);
	ci.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&ci);
	out = sj_malloc((size_t)ci.output_width * ci.output_height);
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW row = out + (size_t)ci.output_scanline * ci.output_width;
		jpeg_read_scanlines(&ci, &row, 1);
	}
	*w = (int)ci.output_width;
	*h = (int)ci.output_height;
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	*px = out;
	return SJ_OK;
}

sj_rc
qr_image_grey(const void *bytes, size_t n, unsigned char **px, int *w, int *h, sj_err *e)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *b = bytes;

	*px = NULL;
	*w = *h = 0;
	if (bytes == NULL || n == 0)
		return sj_fail(e, SJ_EINVAL, "image", "is empty");
	if (n >= 8 && memcmp(b, png_sig, 8) == 0)
		return png_grey(bytes, n, px, w, h, e);
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return jpeg_grey(bytes, n, px, w, h, e);
	return sj_fail(e, SJ_EINVAL, "image", "is neither a PNG nor a JPEG image");
}

sj_rc
qr_decode_grey(const unsigned char *px, int w, int h, char **text, sj_err *e)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	const zbar_symbol_t *sym;
	const char *found = NULL;
	size_t found_n = 0;
	sj_rc rc = SJ_OK;

	*text = NULL;
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, px, (unsigned long)w * (unsigned long)h, NULL);
	if (zbar_scan_image(sc, img) > 0)
		for (sym = zbar_image_first_symbol(img); sym; sym = zbar_symbol_next(sym)) {
			const char *d = zbar_symbol_get_data(sym);
			size_t dn = zbar_symbol_get_data_length(sym);
			if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
				continue;
			if (found && (dn != found_n || memcmp(d, found, dn) != 0)) {
				rc = sj_fail(e, SJ_EINVAL, "image", "holds several different QR codes; "
				    "photograph one at a time");
				break;
			}
			found = d;
			found_n = dn;
		}
	if (rc == SJ_OK && found == NULL)
		rc = sj_fail(e, SJ_EINVAL, "image", "no QR code found in the image");
	if (rc == SJ_OK && found != NULL && (found_n > QR_TEXT_MAX ||
	    text_check_utf8(found, found_n, "image", TEXT_NO_NUL | TEXT_SINGLE_LINE, NULL) != SJ_OK))
		rc = sj_fail(e, SJ_EINVAL, "image", "the QR code holds no text sijin can read");
	if (rc == SJ_OK && found != NULL) {
		*text = sj_malloc(found_n + 1);
		memcpy(*text, found, found_n);
		(*text)[found_n] = '\0';
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return rc;
}

sj_rc
qr_decode_image(const void *bytes, size_t n, char **text, sj_err *e)
{
	unsigned char *px;
	int w, h;
	sj_rc rc;

	*text = NULL;
	if ((rc = qr_image_grey(bytes, n, &px, &w, &h, e)) != SJ_OK)
		return rc;
	rc = qr_decode_grey(px, w, h, text, e);
	free(px);
	return rc;
}
