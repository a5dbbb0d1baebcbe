/*
 * bcryptprimitives.dll for Wine 8, which has none. Go 1.24+ Windows programs
 * import ProcessPrng from it for all their randomness and will not start
 * without it. This forwards to RtlGenRandom (advapi32 SystemFunction036),
 * which Wine does provide. Test infrastructure only: never shipped.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
 *          bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Like Windows' own, it never reports failure: callers (Go's runtime) treat
 * FALSE as fatal anyway, and RtlGenRandom only fails for absurd sizes, which
 * the loop splits into ULONG-sized pieces. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)instance; (void)reason; (void)reserved;
	return TRUE;
}
