/* A minimal test harness for the C tests: CHECK records a failure with its
 * location and goes on; check_summary prints "N passed, N failed" and gives
 * the exit code. */
#ifndef NDCORE_CHECK_H
#define NDCORE_CHECK_H

#include <stdio.h>
#include <string.h>

#include "ndcore.h"

static int check_passed, check_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s (%s)\n", \
                    __FILE__, __LINE__, #cond, nd_last_error(),              \
                    nd_status_name(nd_last_status()));                       \
        }                                                                    \
    } while (0)

/* The last failure has this status and its message contains `text`. */
#define CHECK_ERROR(status, text)                                            \
    do {                                                                     \
        CHECK(nd_last_status() == (status));                                 \
        CHECK(strstr(nd_last_error(), (text)) != NULL);                      \
        nd_clear_error();                                                    \
    } while (0)

static int check_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
