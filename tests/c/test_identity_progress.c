/* Progress and cancel for a batch resolution: the callback hears every
 * stage, and a non-zero return stops the run with CRMKIT_CANCELLED. */
#include <stdint.h>

#include "crmkit.h"
#include "check.h"

static const char *RECORDS =
    "{\"id\": \"1\", \"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"0532 000 11 22\", "
    "\"date_of_birth\": \"01.01.1990\", \"country\": \"TR\"}\n"
    "{\"id\": \"2\", \"first_name\": \"MERT\", \"last_name\": \"KARA\", \"phone\": \"+90 532 000 11 22\", "
    "\"date_of_birth\": \"1990-01-01\", \"country\": \"TR\"}\n"
    "{\"id\": \"3\", \"first_name\": \"Zeynep\", \"last_name\": \"Arslan\", \"email\": \"zeynep@firma.com.tr\", "
    "\"country\": \"TR\"}\n";

struct seen {
    int calls;
    int stages;           /* reports with done == 0: one per stage */
    int finished;         /* reports with done == total */
    int bad;              /* done > total, or done going back within a stage */
    char last_stage[32];
    uint64_t last_done;
    const char *stop_at;  /* stage to cancel in, or NULL */
};

static int32_t on_progress(const char *stage, uint64_t done, uint64_t total, void *user) {
    struct seen *s = user;
    s->calls++;
    if (done > total) s->bad++;
    if (strcmp(stage, s->last_stage) == 0) {
        if (done < s->last_done) s->bad++;
    } else {
        s->stages++;
        if (done != 0) s->bad++;
        strncpy(s->last_stage, stage, sizeof s->last_stage - 1);
    }
    s->last_done = done;
    if (done == total) s->finished++;
    return s->stop_at != NULL && strcmp(stage, s->stop_at) == 0;
}

int main(void) {
    char buf[4096];
    size_t n = 0;

    struct seen s = {0};
    crmkit_resolution *res = NULL;
    CHECK(crmkit_identity_resolve_progress((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, on_progress, &s, &res) == CRMKIT_OK);
    CHECK(res != NULL);
    CHECK(s.stages == 6);               /* standardize, block, compare, train, score, cluster */
    CHECK(strcmp(s.last_stage, "cluster") == 0);
    CHECK(s.finished >= 6);
    CHECK(s.bad == 0);
    CHECK(crmkit_resolution_clusters(res, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "{\"cluster_id\":\"1\",\"id\":\"2\"}") != NULL);
    crmkit_resolution_free(res);

    /* a non-zero return cancels: no resolution, and the message says so */
    struct seen stop = {0};
    stop.stop_at = "compare";
    res = NULL;
    CHECK(crmkit_identity_resolve_progress((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, on_progress, &stop, &res) == CRMKIT_CANCELLED);
    CHECK(res == NULL);
    CHECK(strcmp(stop.last_stage, "compare") == 0);
    CHECK(stop.stages == 3);
    char msg[256];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "cancelled") != NULL);
    CHECK(strcmp(crmkit_status_name(CRMKIT_CANCELLED), "cancelled") == 0);

    /* no callback: as crmkit_identity_resolve */
    CHECK(crmkit_identity_resolve_progress((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, NULL, NULL, &res) == CRMKIT_OK);
    crmkit_resolution_free(res);
    CHECK(crmkit_identity_resolve_progress((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, on_progress, &s, NULL) == CRMKIT_NULL_ARGUMENT);
    return check_summary("test_identity_progress");
}
