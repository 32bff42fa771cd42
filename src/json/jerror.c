/*
 * jerror — jansson's parse errors in words (jerror.h).
 */
#include "json/jerror.h"

const char *
jerror_text(const json_error_t *jerr)
{
	if (json_error_code(jerr) == json_error_null_character)
		return "\\u0000 (a NUL character) is not allowed in text";
	return jerr->text;
}
