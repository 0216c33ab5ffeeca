/*
 * vsnprintf / snprintf: %s %c %d %i %u %x %X %p %%, l/ll/z, '0' '-', width.
 */
#include <stdbool.h>
#include <stdint.h>
#include "guest/printf.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

struct fmt_spec {
	unsigned width;
	unsigned longs; /* number of 'l' (z counts as 2) */
	bool zero;
	bool left;
	char conv;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, unsigned n)
{
	while (n--)
		out_char(o, c);
}

static unsigned str_len(const char *s)
{
	unsigned n = 0;

	while (s[n])
		n++;
	return n;
}

/* prefix ("-", "0x", "") + body, padded to the field width. */
static void out_field(struct fmt_out *o, const char *prefix, const char *body,
		      const struct fmt_spec *sp)
{
	unsigned n = str_len(prefix) + str_len(body);
	unsigned pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left && !sp->zero)
		out_repeat(o, ' ', pad);
	for (; *prefix; prefix++)
		out_char(o, *prefix);
	if (!sp->left && sp->zero)
		out_repeat(o, '0', pad);
	for (; *body; body++)
		out_char(o, *body);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

static void out_uint(struct fmt_out *o, uint64_t v, unsigned base, const char *prefix,
		     const struct fmt_spec *sp)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned i = sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	out_field(o, prefix, &tmp[i], sp);
}

static const char *parse_spec(const char *f, struct fmt_spec *sp)
{
	*sp = (struct fmt_spec){ 0 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10U + (unsigned)(*f - '0');
	for (; *f == 'l' || *f == 'z'; f++)
		sp->longs += *f == 'z' ? 2U : 1U;
	sp->conv = *f;
	return *f ? f + 1 : f;
}

static uint64_t arg_uint(va_list *ap, unsigned longs)
{
	if (longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_int(va_list *ap, unsigned longs)
{
	if (longs >= 2)
		return va_arg(*ap, long long);
	if (longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void out_signed(struct fmt_out *o, int64_t v, const struct fmt_spec *sp)
{
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	out_uint(o, mag, 10, v < 0 ? "-" : "", sp);
}

static void out_conv(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
	char c[2] = { 0, 0 };
	const char *s;

	switch (sp->conv) {
	case 'd':
	case 'i':
		out_signed(o, arg_int(ap, sp->longs), sp);
		break;
	case 'u':
		out_uint(o, arg_uint(ap, sp->longs), 10, "", sp);
		break;
	case 'x':
	case 'X':
		out_uint(o, arg_uint(ap, sp->longs), 16, "", sp);
		break;
	case 'p':
		out_uint(o, (uintptr_t)va_arg(*ap, void *), 16, "0x", sp);
		break;
	case 'c':
		c[0] = (char)va_arg(*ap, int);
		out_field(o, "", c, sp);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		out_field(o, "", s ? s : "(null)", sp);
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		out_char(o, '%');
		if (sp->conv)
			out_char(o, sp->conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };
	struct fmt_spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		out_conv(&o, &sp, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
