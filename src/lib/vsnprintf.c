/*
 * vsnprintf for the hypervisor: %d %i %u %x %X %p %s %c %%, with flags '0' '-',
 * a width, and the length modifiers l, ll, z. Always NUL-terminates (size > 0)
 * and returns the length the full output would have had.
 */
#include <lib.h>

struct out {
	char *buf;
	size_t size;
	size_t pos;
};

struct spec {
	bool zero, left;
	unsigned width;
	int lng;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, unsigned n, char c)
{
	while (n--)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t len = strlen(s);
	unsigned fill = sp->width > len ? (unsigned)(sp->width - len) : 0;

	if (!sp->left)
		pad(o, fill, ' ');
	while (*s)
		put(o, *s++);
	if (sp->left)
		pad(o, fill, ' ');
}

static void put_num(struct out *o, u64 v, unsigned base, bool neg, bool upper,
		    const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0, len, fill;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1u : 0u);
	fill = sp->width > len ? sp->width - len : 0;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	if (neg)
		put(o, '-');
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, fill, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	while (*f == 'l' || *f == 'z') {
		sp->lng++;
		f++;
	}
	return f;
}

static u64 arg_unsigned(va_list *ap, int lng)
{
	return lng ? va_arg(*ap, u64) : va_arg(*ap, unsigned int);
}

static s64 arg_signed(va_list *ap, int lng)
{
	return lng ? va_arg(*ap, s64) : va_arg(*ap, int);
}

static void format_one(struct out *o, char conv, const struct spec *sp, va_list *ap)
{
	s64 sv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, sp->lng);
		put_num(o, sv < 0 ? (u64)0 - (u64)sv : (u64)sv, 10, sv < 0, false, sp);
		break;
	case 'u':
		put_num(o, arg_unsigned(ap, sp->lng), 10, false, false, sp);
		break;
	case 'x':
	case 'X':
		put_num(o, arg_unsigned(ap, sp->lng), 16, false, conv == 'X', sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_num(o, (u64)(uintptr_t)va_arg(*ap, void *), 16, false, false, sp);
		break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		put_str(o, s ? s : "(null)", sp);
		break;
	}
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	default:
		put(o, '%');
		put(o, conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		if (!*fmt)
			break;
		if (*fmt == '%')
			put(&o, '%');
		else
			format_one(&o, *fmt, &sp, &aq);
		fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
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
