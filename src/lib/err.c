/* Names of the error codes (err.h). */
#include <err.h>

const char *err_name(int err)
{
	static const char *const names[] = {
		"OK", "ERR_INVAL", "ERR_ALIGN", "ERR_RANGE", "ERR_EXIST", "ERR_NOMEM",
		"ERR_NOENT", "ERR_PERM", "ERR_NOSYS", "ERR_BUSY", "ERR_FORMAT", "ERR_TRUNC", "ERR_FULL",
		"ERR_AGAIN",
	};
	u32 i = (u32)-err;

	return err <= 0 && i < sizeof(names) / sizeof(names[0]) ? names[i] : "ERR_?";
}
