/* rtv_strlcpy: bounded string copy that always terminates (when size > 0). */
#include <lib.h>

size_t rtv_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
