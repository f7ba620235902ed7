/* A tiny assertion helper for the C tests: no framework, one summary line. */
#ifndef CRMKIT_TEST_CHECK_H
#define CRMKIT_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_NEAR(actual, expected, tol)                                     \
    do {                                                                      \
        double check_a_ = (actual), check_e_ = (expected);                    \
        if (fabs(check_a_ - check_e_) <= (tol)) {                             \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: %s = %.6f, expected %.6f +- %g\n",        \
                    __FILE__, __LINE__, #actual, check_a_, check_e_,          \
                    (double)(tol));                                           \
        }                                                                     \
    } while (0)

/* Prints "NAME: N passed, M failed" and returns the exit status. */
static inline int check_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

/* Fills out[0..] with runs of (value, count); returns the total length. */
static inline size_t check_runs(double *out, const double *values, const int *counts,
                         size_t runs) {
    size_t n = 0;
    for (size_t r = 0; r < runs; r++) {
        for (int i = 0; i < counts[r]; i++) {
            out[n++] = values[r];
        }
    }
    return n;
}

#endif
