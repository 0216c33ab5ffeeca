/* Scenario error messages and the name rule, shared by the parser and the checker. */
#include <config_err.h>
#include <lib.h>

int cfg_verr(struct cfg_error *e, const char *vm, const char *where, const char *fmt, va_list ap)
{
	int n;

	if (vm)
		n = snprintf(e->msg, CFG_ERR_LEN, "vm '%s': %s", vm, where ? where : "");
	else
		n = snprintf(e->msg, CFG_ERR_LEN, "scenario: ");
	if (n >= 0 && n < (int)CFG_ERR_LEN)
		vsnprintf(e->msg + n, CFG_ERR_LEN - (size_t)n, fmt, ap);
	return ERR_INVAL;
}

int cfg_err(struct cfg_error *e, const char *vm, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cfg_verr(e, vm, NULL, fmt, ap);
	va_end(ap);
	return r;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

bool cfg_name_ok(const char *name)
{
	size_t i, len = strnlen(name, CFG_NAME_LEN);

	if (len == 0 || len == CFG_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char(name[i]))
			return false;
	return true;
}
