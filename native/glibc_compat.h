// A prebuild made on glibc 2.34+ would otherwise need that glibc: 2.34 moved libpthread
// and libdl into libc and gave their functions new versions. Each function below also
// keeps its first version, in libc or in the old libpthread/libdl (which Node loads),
// so binding to that one lets the binary load on every glibc since 2.17. Include after
// a libc header; only the translation units that call these functions need it.
#pragma once

#if defined(__GLIBC__)
#if defined(__x86_64__)
#define TENDRIL_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define TENDRIL_GLIBC_BASE "GLIBC_2.17"
#endif
#endif

#ifdef TENDRIL_GLIBC_BASE
__asm__(".symver pthread_create,pthread_create@" TENDRIL_GLIBC_BASE);
__asm__(".symver pthread_join,pthread_join@" TENDRIL_GLIBC_BASE);
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@" TENDRIL_GLIBC_BASE);
__asm__(".symver pthread_attr_getstack,pthread_attr_getstack@" TENDRIL_GLIBC_BASE);
__asm__(".symver pthread_getattr_np,pthread_getattr_np@" TENDRIL_GLIBC_BASE);
__asm__(".symver dlsym,dlsym@" TENDRIL_GLIBC_BASE);
#endif
