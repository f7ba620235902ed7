/* The engagement store through the C ABI: an İYS revocation denies the
 * campaign SMS, a "yes" by SMS takes the customer off that campaign's call
 * list, a bad event is refused naming its field and changes nothing, and
 * several threads apply and decide on one store at once. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "crmkit.h"

#define NOW "\"now\": \"2026-12-01T14:00:00+03:00\""

static crmkit_status apply(const crmkit_engagement_store *s, const char *events, size_t *applied) {
    return crmkit_engagement_store_apply(s, (const uint8_t *)events, strlen(events), applied);
}

/* Decides and writes the result JSON into out (cap bytes). */
static crmkit_status decide(const crmkit_engagement_store *s, const char *request, char *out, size_t cap) {
    size_t n = 0;
    return crmkit_engagement_store_decide(s, (const uint8_t *)request, strlen(request), (uint8_t *)out,
                                          cap, &n);
}

/* The whole store as JSON, malloc'ed; sized by a first call with no buffer. */
static char *snapshot(const crmkit_engagement_store *s) {
    size_t n = 0;
    CHECK(crmkit_engagement_store_snapshot(s, NULL, 0, NULL, 0, &n) == CRMKIT_INSUFFICIENT_SIZE);
    char *buf = malloc(n);
    CHECK(buf != NULL);
    if (!buf) return NULL;
    CHECK(crmkit_engagement_store_snapshot(s, NULL, 0, (uint8_t *)buf, n, &n) == CRMKIT_OK);
    return buf;
}

static void last_error(char *out, size_t cap) {
    size_t n = 0;
    if (crmkit_last_error_message((uint8_t *)out, cap, &n) != CRMKIT_OK) out[0] = '\0';
}

static void revocation_denies_the_campaign_sms(void) {
    crmkit_engagement_store *s = NULL;
    CHECK(crmkit_engagement_store_new(NULL, 0, &s) == CRMKIT_OK);
    size_t applied = 0;
    CHECK(apply(s,
                "{\"type\": \"consent\", \"customer\": \"c1\", \"time\": \"2026-11-01T10:00:00+03:00\", "
                "\"channel\": \"sms\", \"purpose\": \"commercial\", \"granted\": true, \"source\": \"iys\"}\n"
                "{\"type\": \"consent\", \"customer\": \"c1\", \"time\": \"2026-11-20T10:00:00+03:00\", "
                "\"channel\": \"sms\", \"purpose\": \"commercial\", \"granted\": false, \"source\": \"iys\"}\n",
                &applied) == CRMKIT_OK);
    CHECK(applied == 2);
    char out[2048];
    CHECK(decide(s, "{\"customer\": \"c1\", \"channel\": \"sms\", \"purpose\": \"commercial\", " NOW "}",
                 out, sizeof out) == CRMKIT_OK);
    CHECK(strstr(out, "\"allowed\":false") != NULL);
    CHECK(strstr(out, "\"reasons\":[\"consent_revoked\"]") != NULL);
    CHECK(strstr(out, "\"channel\":\"sms\"") != NULL);
    CHECK(strstr(out, "\"point\":null") != NULL);
    /* the delivery notice needs no consent */
    CHECK(decide(s, "{\"customer\": \"c1\", \"channel\": \"sms\", \"purpose\": \"transactional\", " NOW "}",
                 out, sizeof out) == CRMKIT_OK);
    CHECK(strstr(out, "\"allowed\":true") != NULL);
    CHECK(strstr(out, "consent_not_required") != NULL);
    crmkit_engagement_store_free(s);
}

static void positive_sms_answer_leaves_the_call_list(void) {
    crmkit_engagement_store *s = NULL;
    CHECK(crmkit_engagement_store_new(NULL, 0, &s) == CRMKIT_OK);
    /* a JSON array of events is read as well as JSON Lines */
    CHECK(apply(s,
                "[{\"type\": \"consent\", \"customer\": \"c1\", \"time\": \"2026-11-01T10:00:00+03:00\", "
                "\"channel\": \"call\", \"purpose\": \"commercial\", \"granted\": true, \"source\": \"iys\"},"
                " {\"type\": \"campaign_response\", \"customer\": \"c1\", \"time\": \"2026-12-01T10:00:00+03:00\", "
                "\"campaign\": \"winter-offer\", \"channel\": \"sms\", \"response\": \"positive\"}]",
                NULL) == CRMKIT_OK);
    char out[2048];
    CHECK(decide(s, "{\"customer\": \"c1\", \"campaign\": \"winter-offer\", \"channel\": \"call\", "
                    "\"purpose\": \"commercial\", " NOW "}",
                 out, sizeof out) == CRMKIT_OK);
    CHECK(strstr(out, "\"allowed\":false") != NULL);
    CHECK(strstr(out, "\"reasons\":[\"already_responded_to_campaign\",\"consent_granted\"]") != NULL);
    /* another campaign may still call */
    CHECK(decide(s, "{\"customer\": \"c1\", \"campaign\": \"spring-offer\", \"channel\": \"call\", "
                    "\"purpose\": \"commercial\", " NOW "}",
                 out, sizeof out) == CRMKIT_OK);
    CHECK(strstr(out, "\"allowed\":true") != NULL);
    /* a small buffer: the size needed, and nothing written */
    size_t n = 0;
    const char *req = "{\"customer\": \"c1\", \"purpose\": \"commercial\", " NOW "}";
    CHECK(crmkit_engagement_store_decide(s, (const uint8_t *)req, strlen(req), (uint8_t *)out, 4, &n) ==
          CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n > 4);
    /* one customer's profile */
    const char *who = "c1";
    CHECK(crmkit_engagement_store_snapshot(s, (const uint8_t *)who, 2, (uint8_t *)out, sizeof out, &n) ==
          CRMKIT_OK);
    CHECK(strncmp(out, "{\"version\":1,\"profile\":", 23) == 0);
    CHECK(strstr(out, "winter-offer") != NULL);
    CHECK(crmkit_engagement_store_snapshot(s, (const uint8_t *)"nobody", 6, (uint8_t *)out, sizeof out, &n) ==
          CRMKIT_OK);
    CHECK(strcmp(out, "null") == 0);
    crmkit_engagement_store_free(s);
}

static void bad_input_changes_nothing(void) {
    crmkit_engagement_store *s = NULL;
    CHECK(crmkit_engagement_store_new(NULL, 0, &s) == CRMKIT_OK);
    CHECK(apply(s,
                "{\"type\": \"purchase\", \"customer\": \"c1\", \"time\": \"2026-11-01T10:00:00Z\", "
                "\"amount\": 120.5, \"product\": \"kettle\"}",
                NULL) == CRMKIT_OK);
    char *before = snapshot(s);
    char msg[1024];

    /* the first event is good, the second names an unknown channel: neither is applied */
    size_t applied = 99;
    CHECK(apply(s,
                "{\"type\": \"consent\", \"customer\": \"c2\", \"time\": \"2026-11-01T10:00:00Z\", "
                "\"channel\": \"sms\", \"purpose\": \"commercial\", \"granted\": true}\n"
                "{\"type\": \"consent\", \"customer\": \"c2\", \"time\": \"2026-11-02T10:00:00Z\", "
                "\"channel\": \"whatsapp\", \"purpose\": \"commercial\", \"granted\": true}\n",
                &applied) == CRMKIT_MALFORMED_INPUT);
    CHECK(applied == 99);
    last_error(msg, sizeof msg);
    CHECK(strncmp(msg, "line 2", 6) == 0);
    CHECK(strstr(msg, "channel: unknown channel \"whatsapp\"") != NULL);

    CHECK(apply(s, "{\"type\": \"fax_sent\", \"customer\": \"c2\", \"time\": \"2026-11-01T10:00:00Z\"}", NULL) ==
          CRMKIT_MALFORMED_INPUT);
    last_error(msg, sizeof msg);
    CHECK(strstr(msg, "type: unknown event type \"fax_sent\"") != NULL);

    CHECK(apply(s,
                "{\"type\": \"contact\", \"customer\": \"c2\", \"time\": \"2026-11-01T10:00:00\", "
                "\"channel\": \"sms\"}",
                NULL) == CRMKIT_MALFORMED_INPUT);
    last_error(msg, sizeof msg);
    CHECK(strstr(msg, "time:") != NULL);

    CHECK(apply(s, "{\"type\": \"contact\"", NULL) == CRMKIT_MALFORMED_INPUT);
    CHECK(crmkit_engagement_store_apply(s, (const uint8_t *)"\xff", 1, NULL) == CRMKIT_INVALID_UTF8);
    CHECK(crmkit_engagement_store_apply(s, NULL, 5, NULL) == CRMKIT_NULL_ARGUMENT);
    CHECK(apply(NULL, "[]", NULL) == CRMKIT_NULL_ARGUMENT);

    /* a bad request names its field */
    char out[512];
    CHECK(decide(s, "{\"customer\": \"c1\", \"channel\": \"fax\", \"purpose\": \"commercial\"}", out,
                 sizeof out) == CRMKIT_INVALID_ARGUMENT);
    last_error(msg, sizeof msg);
    CHECK(strstr(msg, "channel: unknown channel \"fax\"") != NULL);
    CHECK(decide(s, "{\"channel\": \"sms\", \"purpose\": \"commercial\"}", out, sizeof out) ==
          CRMKIT_INVALID_ARGUMENT);
    last_error(msg, sizeof msg);
    CHECK(strstr(msg, "customer") != NULL);

    /* a snapshot of another version is refused */
    const char *bad = "{\"version\": 9, \"profiles\": []}";
    CHECK(crmkit_engagement_store_restore(s, (const uint8_t *)bad, strlen(bad)) == CRMKIT_MALFORMED_INPUT);

    char *after = snapshot(s);
    CHECK(before && after && strcmp(before, after) == 0);

    /* the snapshot restores into a fresh store */
    crmkit_engagement_store *copy = NULL;
    CHECK(crmkit_engagement_store_new(NULL, 0, &copy) == CRMKIT_OK);
    CHECK(crmkit_engagement_store_restore(copy, (const uint8_t *)before, strlen(before)) == CRMKIT_OK);
    char *restored = snapshot(copy);
    CHECK(restored && strcmp(restored, before) == 0);
    free(restored);
    free(before);
    free(after);
    crmkit_engagement_store_free(copy);
    crmkit_engagement_store_free(s);

    /* a contradictory policy is refused and no store is made */
    const char *policy = "version = 1\n[caps]\nsms = { day = 5, week = 3 }\n";
    crmkit_engagement_store *none = NULL;
    CHECK(crmkit_engagement_store_new((const uint8_t *)policy, strlen(policy), &none) == CRMKIT_MALFORMED_INPUT);
    CHECK(none == NULL);
    last_error(msg, sizeof msg);
    CHECK(strstr(msg, "cap_day_above_week") != NULL);
    crmkit_engagement_store_free(NULL);
}

#define THREADS 4
#define PER_THREAD 100

typedef struct {
    const crmkit_engagement_store *store;
    int id;
    int failures;
} worker;

/* Grants consent to this thread's customers, answers a shared customer's
 * campaign, and decides on both while the other threads do the same. */
static void *work(void *arg) {
    worker *w = arg;
    char event[512], request[256], out[2048];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(event, sizeof event,
                 "{\"type\": \"consent\", \"customer\": \"t%d-%d\", \"time\": \"2026-11-01T10:00:00+03:00\", "
                 "\"channel\": \"email\", \"purpose\": \"commercial\", \"granted\": true}",
                 w->id, i);
        if (apply(w->store, event, NULL) != CRMKIT_OK) w->failures++;
        snprintf(event, sizeof event,
                 "{\"type\": \"campaign_response\", \"customer\": \"shared\", \"time\": "
                 "\"2026-12-01T10:%02d:00+03:00\", \"campaign\": \"c%d\", \"channel\": \"sms\", "
                 "\"response\": \"negative\"}",
                 i % 60, w->id);
        if (apply(w->store, event, NULL) != CRMKIT_OK) w->failures++;
        snprintf(request, sizeof request,
                 "{\"customer\": \"t%d-%d\", \"channel\": \"email\", \"purpose\": \"commercial\", " NOW "}", w->id,
                 i);
        if (decide(w->store, request, out, sizeof out) != CRMKIT_OK || !strstr(out, "\"allowed\":true")) {
            w->failures++;
        }
        snprintf(request, sizeof request,
                 "{\"customer\": \"shared\", \"campaign\": \"c%d\", \"purpose\": \"service\", " NOW "}", w->id);
        if (decide(w->store, request, out, sizeof out) != CRMKIT_OK ||
            !strstr(out, "already_responded_to_campaign")) {
            w->failures++;
        }
    }
    return NULL;
}

static void threads_share_one_store(void) {
    crmkit_engagement_store *s = NULL;
    CHECK(crmkit_engagement_store_new(NULL, 0, &s) == CRMKIT_OK);
    pthread_t threads[THREADS];
    worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (worker){s, t, 0};
        CHECK(pthread_create(&threads[t], NULL, work, &workers[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        CHECK(workers[t].failures == 0);
    }
    /* every customer is there, each once */
    char *all = snapshot(s);
    int profiles = 0;
    for (const char *p = all; p && (p = strstr(p, "\"customer\":")) != NULL; p++) profiles++;
    CHECK(profiles == THREADS * PER_THREAD + 1);
    free(all);
    crmkit_engagement_store_free(s);
}

int main(void) {
    revocation_denies_the_campaign_sms();
    positive_sms_answer_leaves_the_call_list();
    bad_input_changes_nothing();
    threads_share_one_store();
    return check_summary("test_engagement");
}
