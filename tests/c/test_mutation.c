/* Calls that change state are all or nothing: a call that fails changes
 * nothing, and a call that returns CRMKIT_INSUFFICIENT_SIZE (a NULL or small
 * buffer) changes nothing and reports the needed size, so that the retry
 * makes the change and delivers the result a large buffer would have got at
 * once. Checked for index inserts and deletes, NPS accumulator pushes and
 * merges, and routing with its state. */
#include <stdlib.h>

#include "crmkit.h"
#include "check.h"

/* 1 and 2 are apart; 4 links them (the phone and birth date of 1, the
 * email of 2); 3 is someone else */
static const char *RECORDS =
    "{\"id\": \"1\", \"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"0532 000 11 22\", "
    "\"date_of_birth\": \"01.01.1990\", \"country\": \"TR\"}\n"
    "{\"id\": \"2\", \"last_name\": \"Kara\", \"email\": \"mk.1990@firma.com.tr\", \"country\": \"TR\"}\n"
    "{\"id\": \"3\", \"first_name\": \"Zeynep\", \"last_name\": \"Arslan\", \"email\": \"zeynep@firma.com.tr\", "
    "\"country\": \"TR\"}\n";
static const char *BRIDGE =
    "{\"id\": \"4\", \"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"0532 000 11 22\", "
    "\"email\": \"mk.1990@firma.com.tr\", \"date_of_birth\": \"01.01.1990\", \"country\": \"TR\"}";
static const char *STRANGER =
    "{\"id\": \"5\", \"first_name\": \"Can\", \"last_name\": \"\xC3\x96zt\xC3\xBCrk\", \"email\": \"can@ozturk.com\"}";

/* queries whose answers show every record's entity */
static const char *PROBES[] = {
    "{\"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"05320001122\", \"country\": \"TR\"}",
    "{\"last_name\": \"Kara\", \"email\": \"mk.1990@firma.com.tr\"}",
    "{\"first_name\": \"Zeynep\", \"last_name\": \"Arslan\", \"email\": \"zeynep@firma.com.tr\"}",
    "{\"first_name\": \"Can\", \"last_name\": \"Ozturk\", \"email\": \"can@ozturk.com\"}",
};
#define N_PROBES (sizeof PROBES / sizeof PROBES[0])

/* What the index answers: its length and the match of every probe. */
typedef struct {
    size_t len;
    char matches[N_PROBES][1024];
} snapshot;

static void take(crmkit_index *idx, snapshot *s) {
    memset(s, 0, sizeof *s);
    s->len = crmkit_index_len(idx);
    for (size_t i = 0; i < N_PROBES; i++) {
        size_t n = 0;
        CHECK(crmkit_index_match(idx, (const uint8_t *)PROBES[i], strlen(PROBES[i]),
                                 (uint8_t *)s->matches[i], sizeof s->matches[i], &n) == CRMKIT_OK);
    }
}

static int unchanged(crmkit_index *idx, const snapshot *before) {
    snapshot now;
    take(idx, &now);
    return memcmp(&now, before, sizeof now) == 0;
}

typedef crmkit_status (*change_fn)(const crmkit_index *, const uint8_t *, size_t, uint8_t *, size_t,
                                   size_t *);

/* Makes a change on `idx` as a caller that asks for the size first would,
 * checking that no call before the last changes anything, and the same
 * change on `twin` with a large buffer at once; the two results must be
 * equal. Writes the result into `out`. */
static void change_both(crmkit_index *idx, crmkit_index *twin, change_fn f, const char *arg,
                        char *out, size_t cap) {
    const uint8_t *a = (const uint8_t *)arg;
    size_t len = strlen(arg);
    snapshot before;
    take(idx, &before);

    /* a size query with a NULL buffer */
    size_t needed = 0;
    CHECK(f(idx, a, len, NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed > 1);
    CHECK(unchanged(idx, &before));
    /* NULL with a length, as if the buffer had not been allocated yet */
    size_t n = 0;
    CHECK(f(idx, a, len, NULL, 4096, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n == needed);
    CHECK(unchanged(idx, &before));

    /* one byte short (the NUL does not fit), and far too small */
    char *buf = malloc(needed);
    CHECK(buf != NULL);
    n = 0;
    CHECK(f(idx, a, len, (uint8_t *)buf, needed - 1, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n == needed);
    CHECK(unchanged(idx, &before));
    n = 0;
    CHECK(f(idx, a, len, (uint8_t *)buf, 1, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n == needed);
    CHECK(unchanged(idx, &before));
    char msg[256];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "are needed") != NULL);

    /* no out_n: an error, and nothing changes */
    CHECK(f(idx, a, len, (uint8_t *)buf, needed, NULL) == CRMKIT_NULL_ARGUMENT);
    CHECK(unchanged(idx, &before));

    /* the retry with the size reported makes the change */
    n = 0;
    CHECK(f(idx, a, len, (uint8_t *)buf, needed, &n) == CRMKIT_OK);
    CHECK(n == needed - 1 && buf[n] == '\0');
    CHECK(!unchanged(idx, &before));

    char at_once[4096];
    size_t m = 0;
    CHECK(f(twin, a, len, (uint8_t *)at_once, sizeof at_once, &m) == CRMKIT_OK);
    CHECK(m == n && strcmp(buf, at_once) == 0);
    snapshot x, y;
    take(idx, &x);
    take(twin, &y);
    CHECK(memcmp(&x, &y, sizeof x) == 0);

    snprintf(out, cap, "%s", buf);
    free(buf);
}

/* A call that fails on `idx` changes nothing. */
static void fails(crmkit_index *idx, change_fn f, const char *arg, crmkit_status expected) {
    snapshot before;
    take(idx, &before);
    char buf[4096];
    size_t n = 0;
    CHECK(f(idx, (const uint8_t *)arg, strlen(arg), (uint8_t *)buf, sizeof buf, &n) == expected);
    CHECK(f(idx, (const uint8_t *)arg, strlen(arg), NULL, 0, &n) == expected);
    CHECK(unchanged(idx, &before));
}

static void index_changes(void) {
    crmkit_index *idx = NULL, *twin = NULL;
    CHECK(crmkit_index_new((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, &idx) == CRMKIT_OK);
    CHECK(crmkit_index_new((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, &twin) == CRMKIT_OK);
    char out[4096];

    /* a record that links two customers: joined, then merged */
    change_both(idx, twin, crmkit_index_insert, BRIDGE, out, sizeof out);
    CHECK(strstr(out, "\"entity_id\":\"1\"") != NULL);
    CHECK(strstr(out, "\"event\":\"merged\",\"entity_id\":\"1\",\"absorbed\":[\"2\"]") != NULL);
    CHECK(crmkit_index_len(idx) == 4);

    /* the retry of an insert that went through is a duplicate */
    fails(idx, crmkit_index_insert, BRIDGE, CRMKIT_INVALID_ARGUMENT);

    /* a stranger: a new customer */
    change_both(idx, twin, crmkit_index_insert, STRANGER, out, sizeof out);
    CHECK(strstr(out, "{\"event\":\"created\",\"entity_id\":\"5\",\"record_id\":\"5\"}") != NULL);

    /* deleting the link splits the customer again */
    change_both(idx, twin, crmkit_index_delete, "4", out, sizeof out);
    CHECK(strstr(out, "\"event\":\"split\",\"entity_id\":\"1\",\"new_entity_ids\":[\"2\"]") != NULL);
    CHECK(crmkit_index_len(idx) == 4);
    fails(idx, crmkit_index_delete, "4", CRMKIT_INVALID_ARGUMENT);

    /* deleting the only record of a customer removes it */
    change_both(idx, twin, crmkit_index_delete, "5", out, sizeof out);
    CHECK(strstr(out, "{\"event\":\"removed\",\"entity_id\":\"5\"}") != NULL);

    /* a deleted id may come back */
    change_both(idx, twin, crmkit_index_insert, BRIDGE, out, sizeof out);
    CHECK(strstr(out, "\"event\":\"merged\"") != NULL);
    CHECK(crmkit_index_len(idx) == 4);

    /* malformed input and bad arguments change nothing */
    fails(idx, crmkit_index_insert, "{\"id\": \"\", \"first_name\": \"X\"}", CRMKIT_MALFORMED_INPUT);
    fails(idx, crmkit_index_insert, "[{\"id\": \"8\"}, {\"id\": \"9\"}]", CRMKIT_INVALID_ARGUMENT);
    fails(idx, crmkit_index_insert, "{\"id\": \"8\", \"email\": {\"x\": 1}}", CRMKIT_MALFORMED_INPUT);
    fails(idx, crmkit_index_insert, "\xff", CRMKIT_INVALID_UTF8);
    fails(idx, crmkit_index_delete, "nobody", CRMKIT_INVALID_ARGUMENT);
    snapshot before;
    take(idx, &before);
    size_t n = 0;
    CHECK(crmkit_index_insert(idx, NULL, 3, (uint8_t *)out, sizeof out, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_index_delete(idx, NULL, 1, (uint8_t *)out, sizeof out, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_index_insert(NULL, (const uint8_t *)STRANGER, strlen(STRANGER), (uint8_t *)out, sizeof out, &n) ==
          CRMKIT_NULL_ARGUMENT);
    CHECK(unchanged(idx, &before));

    crmkit_index_free(idx);
    crmkit_index_free(twin);
}

static void accumulator_changes(void) {
    crmkit_nps_accumulator *acc = crmkit_nps_accumulator_new();
    crmkit_nps_accumulator *other = crmkit_nps_accumulator_new();
    const double scores[] = {10, 9, 8, 3, NAN};
    for (size_t i = 0; i < 5; i++) CHECK(crmkit_nps_accumulator_push(acc, scores[i], 1.0) == CRMKIT_OK);
    CHECK(crmkit_nps_accumulator_push(other, 0, 2.5) == CRMKIT_OK);

    crmkit_nps before, after;
    CHECK(crmkit_nps_accumulator_finish(acc, 0.95, CRMKIT_INTERVAL_WALD, &before) == CRMKIT_OK);
    const struct {
        double score, weight;
        crmkit_status status;
    } bad[] = {
        {11, 1, CRMKIT_SURVEY_OUT_OF_RANGE},   {-1, 1, CRMKIT_SURVEY_OUT_OF_RANGE},
        {7.5, 1, CRMKIT_SURVEY_OUT_OF_RANGE},  {INFINITY, 1, CRMKIT_SURVEY_OUT_OF_RANGE},
        {9, -1, CRMKIT_SURVEY_INVALID_WEIGHT}, {9, NAN, CRMKIT_SURVEY_INVALID_WEIGHT},
        {9, 1e300, CRMKIT_SURVEY_INVALID_WEIGHT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(crmkit_nps_accumulator_push(acc, bad[i].score, bad[i].weight) == bad[i].status);
        CHECK(crmkit_nps_accumulator_finish(acc, 0.95, CRMKIT_INTERVAL_WALD, &after) == CRMKIT_OK);
        CHECK(memcmp(&before, &after, sizeof before) == 0);
    }
    CHECK(crmkit_nps_accumulator_merge(acc, NULL) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_nps_accumulator_merge(acc, acc) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_nps_accumulator_finish(acc, 0.95, CRMKIT_INTERVAL_WALD, &after) == CRMKIT_OK);
    CHECK(memcmp(&before, &after, sizeof before) == 0);

    /* a merge that goes through: the weighted answer of `other` counts */
    CHECK(crmkit_nps_accumulator_merge(acc, other) == CRMKIT_OK);
    CHECK(crmkit_nps_accumulator_finish(acc, 0.95, CRMKIT_INTERVAL_WALD, &after) == CRMKIT_OK);
    CHECK(after.n == before.n + 1 && after.missing == before.missing);
    CHECK(after.nps < before.nps);
    crmkit_nps_accumulator_free(acc);
    crmkit_nps_accumulator_free(other);
}

static const char *RULES =
    "version = \"m1\"\n"
    "fallback = { department = \"care\", assignee = \"deniz\" }\n"
    "people = [{ id = \"ayse\" }, { id = \"mehmet\" }, { id = \"deniz\" }]\n"
    "[[departments]]\n"
    "id = \"logistics\"\n"
    "members = [\"ayse\", \"mehmet\"]\n"
    "[[departments]]\n"
    "id = \"care\"\n"
    "members = [\"deniz\"]\n"
    "[[rules]]\n"
    "id = \"late\"\n"
    "when = { category = \"late_delivery\" }\n"
    "department = \"logistics\"\n";

static void routing_changes(void) {
    crmkit_ruleset *rules = NULL;
    CHECK(crmkit_ruleset_new((const uint8_t *)RULES, strlen(RULES), CRMKIT_RULES_TOML, NULL, 0, &rules) ==
          CRMKIT_OK);
    const char *c = "{\"channel\": \"app\", \"category\": \"late_delivery\"}";
    const char *now = "2026-11-23T09:00:00Z";

    /* the first assignment, asked for with a large buffer at once */
    char first[4096];
    size_t n = 0;
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), NULL, 0, (const uint8_t *)now, strlen(now),
                               (uint8_t *)first, sizeof first, &n) == CRMKIT_OK);
    CHECK(strstr(first, "\"assignee\":\"ayse\"") != NULL);

    /* the same asked for the size first: nothing advances in between */
    size_t needed = 0;
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), NULL, 0, (const uint8_t *)now, strlen(now),
                               NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);
    char small[8];
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), NULL, 0, (const uint8_t *)now, strlen(now),
                               (uint8_t *)small, sizeof small, &n) == CRMKIT_INSUFFICIENT_SIZE);
    char *buf = malloc(needed);
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), NULL, 0, (const uint8_t *)now, strlen(now),
                               (uint8_t *)buf, needed, &n) == CRMKIT_OK);
    CHECK(strcmp(buf, first) == 0);
    free(buf);

    /* the state out of the first call gives the next member */
    const char *state_at = strstr(first, "\"state\":");
    CHECK(state_at != NULL);
    char state[2048];
    snprintf(state, sizeof state, "%s", state_at + strlen("\"state\":"));
    state[strlen(state) - 1] = '\0'; /* the closing brace of the output */
    char second[4096];
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), (const uint8_t *)state, strlen(state),
                               (const uint8_t *)now, strlen(now), (uint8_t *)second, sizeof second, &n) == CRMKIT_OK);
    CHECK(strstr(second, "\"assignee\":\"mehmet\"") != NULL);

    /* a batch that fails late leaves the caller's state as it was: routing
     * again from it gives the same next member */
    const char *batch = "[{\"channel\": \"app\", \"category\": \"late_delivery\"}, {\"channel\": 7}]";
    char state_copy[2048];
    memcpy(state_copy, state, sizeof state);
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)batch, strlen(batch), (const uint8_t *)state, strlen(state),
                               (const uint8_t *)now, strlen(now), (uint8_t *)second, sizeof second,
                               &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(memcmp(state, state_copy, sizeof state) == 0);
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)c, strlen(c), (const uint8_t *)state, strlen(state),
                               (const uint8_t *)now, strlen(now), (uint8_t *)second, sizeof second, &n) == CRMKIT_OK);
    CHECK(strstr(second, "\"assignee\":\"mehmet\"") != NULL);
    crmkit_ruleset_free(rules);
}

int main(void) {
    index_changes();
    accumulator_changes();
    routing_changes();
    return check_summary("test_mutation");
}
