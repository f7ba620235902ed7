/* A program built the way users of the installed library build theirs:
 * cc app.c $(pkg-config --cflags --libs crmkit), linked to libcrmkit.so.
 * With -DFLAT it includes the flattened header FFI generators read instead,
 * which must declare the same API. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef FLAT
#include <crmkit_flat.h>
#else
#include <crmkit.h>
#endif

int main(void) {
    if (crmkit_abi_version() != CRMKIT_ABI_VERSION) {
        fprintf(stderr, "header ABI %d, library ABI %u\n", CRMKIT_ABI_VERSION, crmkit_abi_version());
        return 1;
    }
    double scores[] = {10, 9, 9, 8, 7, 6, 3, 10};
    crmkit_nps r;
    crmkit_status st = crmkit_survey_nps(scores, 8, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r);
    if (st != CRMKIT_OK || r.n != 8 || r.nps != 25.0) {
        fprintf(stderr, "nps: status %u, nps %f\n", st, r.nps);
        return 1;
    }
    uint8_t buf[32];
    size_t n = 0;
    st = crmkit_complaint_tracking_number(1234567, (const uint8_t *)"SK", 2, buf, sizeof buf, &n);
    if (st != CRMKIT_OK || n != 10 || memcmp(buf, "SK-3CFP-SV", 10) != 0) {
        fprintf(stderr, "tracking number: status %u\n", st);
        return 1;
    }
    printf("libcrmkit %s: NPS %.1f, tracking number %.*s\n", crmkit_version(), r.nps, (int)n, (const char *)buf);
    return 0;
}
