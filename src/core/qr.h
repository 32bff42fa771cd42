/*
 * qr — QR codes in and out: encoding text as a QR symbol (libqrencode),
 * drawing it with a caption as PNG (libpng, lettering with FreeType) or as
 * SVG text, and reading the text back out of a photo (PNG through libpng,
 * JPEG through libjpeg, both to 8-bit grey, then libzbar).
 *
 * Invariants:
 * - A symbol is encoded at error-correction level M (15 % of the symbol
 *   may be lost, ISO/IEC 18004 §6.5.1) in the smallest version that holds
 *   the text, and drawn with the 4-module quiet zone the standard asks for
 *   (§6.3.8).  Dark modules are black on white.
 * - Every picture is built in memory into a buf with a hard maximum; no
 *   file is touched except the font, which is read when lettering.
 * - Untrusted images are bounded before any pixel is decoded: at most
 *   QR_IMAGE_MAX_PIXELS pixels and QR_IMAGE_MAX_SIDE per side, whatever
 *   the file claims; a decoder error never aborts the process.
 * - Caption text goes into SVG only through XML escaping (& < > " '), and
 *   into PNG only as drawn glyphs and an iTXt chunk (UTF-8; tEXt would be
 *   Latin-1, PNG §11.3.4).
 * Functions are thread-safe: each call has its own library handles.
 */
#ifndef SJ_QR_H
#define SJ_QR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define QR_TEXT_MAX        1024              /* bytes of text a symbol is made for */
#define QR_IMAGE_MAX_SIDE  8192              /* pixels, width or height of a photo */
#define QR_IMAGE_MAX_PIXELS (4096L * 4096L)  /* pixels of a photo (16.7 M) */
#define QR_CAPTION_LINES_MAX 4
#define QR_QUIET_ZONE      4                 /* modules of white around the symbol */
#define QR_OUT_MAX         ((size_t)32 << 20) /* bytes of a PNG or SVG produced */

/* A QR symbol: width × width modules, row by row from the top left. */
typedef struct qr_symbol {
	int width;               /* modules per side: 21 (version 1) .. 177 (version 40) */
	unsigned char *modules;  /* width * width bytes, 1 = dark, 0 = light; malloc'd */
} qr_symbol;

/* What is written around the symbol.  Every string is NUL-terminated
 * UTF-8 and may be NULL. */
typedef struct qr_caption {
	const char *heading;      /* a large line under the symbol (the place's name) */
	const char *lines[QR_CAPTION_LINES_MAX];  /* smaller lines under the heading */
	size_t n_lines;
	const char *title;        /* PNG iTXt "Title" / SVG <title> */
	const char *description;  /* PNG iTXt "Description" / SVG <desc> */
	const char *font;         /* font files for PNG lettering, separated by ':' and tried
	                           * in order for each character; NULL or "" = none */
	int width_px;             /* picture width in pixels, 160..4000; 0 = 800 */
} qr_caption;

/* Encode text (1..QR_TEXT_MAX bytes, NUL-terminated) into *out, which the
 * caller frees with qr_symbol_free.  Errors (field "text"): SJ_EINVAL "is
 * empty"; SJ_ETOOBIG "is N bytes, at most 1024" (or too long for any QR
 * version); SJ_EINTERNAL when libqrencode fails otherwise.  out->modules
 * is NULL on failure. */
sj_rc qr_encode(const char *text, qr_symbol *out, sj_err *e);

/* Free the modules of q and zero it.  Accepts NULL and a zeroed symbol. */
void qr_symbol_free(qr_symbol *q);

/* Append to out an 8-bit greyscale PNG of q with its quiet zone, each
 * module a square of whole pixels (the largest that fits c->width_px,
 * at least 2), and under it the heading and lines centred, lettered in
 * the fonts of c->font that load (each character from the first that has
 * it; each line shrunk until it fits the width).
 * *lettered (may be NULL) is set true when the text was drawn, false
 * when there was no font or it could not be loaded (the title and
 * description are in the iTXt chunks either way).  Errors: SJ_EINVAL
 * ("width_px" out of range); SJ_ETOOBIG (field "body") past out's
 * maximum; SJ_EINTERNAL for a libpng failure. */
sj_rc qr_render_png(const qr_symbol *q, const qr_caption *c, buf *out, bool *lettered,
    sj_err *e);

/* Append to out an SVG 1.1 document (UTF-8, standalone) of the same
 * geometry as qr_render_png: a white background, the dark modules as one
 * path, and the heading and lines as <text> centred under the symbol in
 * a CJK-capable sans-serif, their size reduced by an estimate of their
 * width (one em per East Asian wide character, 0.6 em otherwise).  Errors
 * as qr_render_png. */
sj_rc qr_render_svg(const qr_symbol *q, const qr_caption *c, buf *out, sj_err *e);

/* Encode text (qr_encode) and draw it as format "png" (qr_render_png) or
 * "svg" (qr_render_svg) into out.  Errors: SJ_EINVAL (field "format")
 * "must be png or svg"; those of qr_encode and the renderers. */
sj_rc qr_render(const char *text, const qr_caption *c, const char *format, buf *out,
    bool *lettered, sj_err *e);

/* The media type of format: "image/png", "image/svg+xml; charset=utf-8",
 * or NULL for another format. */
const char *qr_media_type(const char *format);

/* Decode a PNG or JPEG (told apart by their signatures) into 8-bit grey,
 * composited on white when the PNG has alpha.  *px receives w * h bytes
 * (malloc'd; free with free()), row by row.  A JPEG larger than 2048
 * pixels a side is decoded at 1/2, 1/4 or 1/8 scale (the decoder's own
 * DCT scaling) to the first scale within 2048.  Errors (field "image"):
 * SJ_EINVAL "is empty", "is neither a PNG nor a JPEG image", "is not a
 * valid PNG: <libpng's reason>", "is not a valid JPEG: <libjpeg's
 * reason>"; SJ_ETOOBIG "is W×H pixels, at most 16777216 pixels and 8192 a
 * side". */
sj_rc qr_image_grey(const void *bytes, size_t n, unsigned char **px, int *w, int *h,
    sj_err *e);

/* The text of the one QR code in a w × h grey picture, as a malloc'd
 * NUL-terminated string in *text (free with free()).  Only QR codes are
 * looked for (zbar's other symbologies are off).  Errors (field
 * "image"): SJ_EINVAL "no QR code found in the image"; "holds several
 * different QR codes; photograph one at a time"; "the QR code holds
 * no text sijin can read" (NUL bytes, invalid UTF-8, line breaks, or over
 * QR_TEXT_MAX bytes). */
sj_rc qr_decode_grey(const unsigned char *px, int w, int h, char **text, sj_err *e);

/* qr_image_grey then qr_decode_grey: the text of the QR code in a PNG or
 * JPEG photo.  Errors: those two functions'. */
sj_rc qr_decode_image(const void *bytes, size_t n, char **text, sj_err *e);

#endif
