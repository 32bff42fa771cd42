/* Unit tests for http/multipart: the one file of a multipart/form-data
 * upload.  Bodies are written out by hand after RFC 7578 §4 and RFC 2046
 * §5.1.1 (a delimiter is CRLF "--" boundary; the first may open the body;
 * the close delimiter ends in "--"); each expected part is the exact bytes
 * between its headers' blank line and the CRLF before the next delimiter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

/* multipart_file on the NUL-terminated body with part "photo". */
static sj_rc
photo(const char *ctype, const char *body, const char **part, size_t *n, sj_err *e)
{
	sj_err_clear(e);
	return multipart_file(ctype, body, strlen(body), "photo", part, n, e);
}

static void
assert_refused(const char *ctype, const char *body, const char *field)
{
	const char *part = NULL;
	size_t n = 0;
	sj_err e = {0};

	assert_int_equal(photo(ctype, body, &part, &n, &e), SJ_EINVAL);
	assert_string_equal(e.field, field);
	assert_null(part);
}

static void
test_the_photo_part(void **state)
{
	const char *body =
	    "preamble, ignored\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfront gate\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\n"
	    "Content-Type: image/png\r\n\r\n\x89PNG--XyZ not a delimiter\r\n"
	    "--XyZ--\r\nepilogue";
	const char *part;
	size_t n;
	sj_err e;

	(void)state;
	assert_int_equal(photo(CT, body, &part, &n, &e), SJ_OK);
	assert_int_equal(n, strlen("\x89PNG--XyZ not a delimiter"));
	assert_memory_equal(part, "\x89PNG--XyZ not a delimiter", n);
	/* Quoted boundary, the first delimiter opening the body, parameter
	 * names in any case, a part named photo without a file name, empty. */
	assert_int_equal(photo("multipart/form-data; charset=x; boundary=\"a b\"",
	    "--a b\r\nContent-Disposition: form-data; NAME=photo\r\n\r\n\r\n--a b--",
	    &part, &n, &e), SJ_OK);
	assert_int_equal(n, 0);
}

/* The old reading took the first part named photo or carrying any file. */
static void
test_another_file_part_refused(void **state)
{
	(void)state;
	/* the file in a part of another name: that name is the field */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; "
	    "filename=\"p.png\"\r\n\r\nPNG\r\n--XyZ--\r\n", "image");
	/* filename="photo" is not name="photo" */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"x\"; "
	    "filename=\"photo\"\r\n\r\nPNG\r\n--XyZ--\r\n", "x");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; "
	    "filename*=UTF-8''a.png\r\n\r\nPNG\r\n--XyZ--\r\n", "doc");
	/* the photo and a second file */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"a.png\"\r\n\r\nA\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"photo2\"; filename=\"b.png\"\r\n\r\nB\r\n--XyZ--\r\n", "photo2");
	/* two photos */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; "
	    "filename=\"a.png\"\r\n\r\nA\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"photo\"; filename=\"b.png\"\r\n\r\nB\r\n--XyZ--\r\n", "photo");
	/* a name that is no field name to echo */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"照片\"; "
	    "filename=\"a.png\"\r\n\r\nA\r\n--XyZ--\r\n", "body");
	/* no photo at all */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhi\r\n"
	    "--XyZ--\r\n", "photo");
}

static void
test_malformed(void **state)
{
	(void)state;
	assert_refused("multipart/form-data", "--XyZ--\r\n", "Content-Type");
	assert_refused("multipart/form-data; boundary=", "--XyZ--\r\n", "Content-Type");
	assert_refused("multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaa", "--XyZ--\r\n", "Content-Type");  /* 71 characters */
	assert_refused("multipart/form-data; xboundary=XyZ", "--XyZ--\r\n", "Content-Type");
	assert_refused(CT, "no delimiter", "body");
	/* cut short: no delimiter after the part */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nPNG",
	    "body");
	/* headers that never end */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"\r\n", "body");
	/* no Content-Disposition, or not form-data, or no name */
	assert_refused(CT, "--XyZ\r\nContent-Type: image/png\r\n\r\nPNG\r\n--XyZ--", "body");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: attachment; name=\"photo\"\r\n\r\nP\r\n"
	    "--XyZ--", "body");
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nP\r\n"
	    "--XyZ--", "body");
	/* no close delimiter after the last part's delimiter */
	assert_refused(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nP\r\n"
	    "--XyZ", "body");
	assert_refused(CT, "", "body");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_photo_part),
		cmocka_unit_test(test_another_file_part_refused),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
