/* Complaint routing through the C ABI: compile a rule set once, route one
 * complaint and a batch with the state carried between calls, run the
 * rule file's own examples, and route from several threads at once. */
#include <pthread.h>
#include <stdlib.h>

#include "crmkit.h"
#include "check.h"

static const char *RULES =
    "version = \"c1\"\n"
    "fallback = { department = \"care\", assignee = \"deniz\" }\n"
    "people = [{ id = \"ayse\" }, { id = \"mehmet\" }, { id = \"deniz\" }, { id = \"elif\" }]\n"
    "[[departments]]\n"
    "id = \"logistics\"\n"
    "members = [\"ayse\", \"mehmet\"]\n"
    "[[departments]]\n"
    "id = \"legal\"\n"
    "owner = \"elif\"\n"
    "strategy = \"fixed\"\n"
    "fallback = \"care\"\n"
    "[[departments]]\n"
    "id = \"care\"\n"
    "members = [\"deniz\"]\n"
    "[[rules]]\n"
    "id = \"legal\"\n"
    "when = { flags = [\"legal_threat\"] }\n"
    "department = \"legal\"\n"
    "priority = \"urgent\"\n"
    "[[rules]]\n"
    "id = \"late\"\n"
    "when = { category = \"late_delivery\" }\n"
    "department = \"logistics\"\n"
    "resolution_hours = 2\n"
    "[[examples]]\n"
    "name = \"late goes to logistics\"\n"
    "complaint = { channel = \"app\", category = \"late_delivery\" }\n"
    "expect = { department = \"logistics\", assignee = \"ayse\" }\n";

static crmkit_ruleset *shared = NULL;

static void *route_many(void *arg) {
    (void)arg;
    const char *c = "{\"channel\": \"app\", \"category\": \"late_delivery\"}";
    char buf[2048];
    size_t n = 0;
    for (int i = 0; i < 200; i++) {
        if (crmkit_ruleset_route(shared, (const uint8_t *)c, strlen(c), NULL, 0, NULL, 0,
                                 (uint8_t *)buf, sizeof buf, &n) != CRMKIT_OK)
            return (void *)1;
        /* a fresh state each call: always the first member */
        if (strstr(buf, "\"assignee\":\"ayse\"") == NULL) return (void *)1;
    }
    return NULL;
}

int main(void) {
    crmkit_ruleset *rules = NULL;
    CHECK(crmkit_ruleset_new((const uint8_t *)RULES, strlen(RULES), CRMKIT_RULES_TOML, NULL, 0, &rules) == CRMKIT_OK);
    CHECK(rules != NULL);

    /* one complaint; the due time starts at received_at */
    char buf[4096];
    size_t n = 0;
    const char *one = "{\"channel\": \"web_form\", \"category\": \"late_delivery\", \"received_at\": \"2026-11-23T09:00:00Z\"}";
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)one, strlen(one), NULL, 0, NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"department\":\"logistics\"") != NULL);
    CHECK(strstr(buf, "\"assignee\":\"ayse\"") != NULL);
    CHECK(strstr(buf, "\"fired\":[\"late\"]") != NULL);
    CHECK(strstr(buf, "\"due\":\"2026-11-23T11:00:00Z\"") != NULL);

    /* too small a buffer: the size needed, and the same answer on retry */
    size_t needed = 0;
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)one, strlen(one), NULL, 0, NULL, 0, (uint8_t *)buf, 8, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);

    /* a batch as NDJSON with a state: round-robin continues from the cursor */
    const char *batch =
        "{\"channel\": \"app\", \"category\": \"late_delivery\"}\n"
        "{\"channel\": \"app\", \"category\": \"late_delivery\"}\n"
        "{\"channel\": \"email\", \"flags\": [\"legal_threat\"]}\n";
    const char *state = "{\"cursors\": {\"logistics\": 1}, \"unavailable\": [\"elif\"]}";
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)batch, strlen(batch), (const uint8_t *)state, strlen(state), NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    char *first = strstr(buf, "\"assignee\":\"mehmet\"");
    char *second = first ? strstr(first + 1, "\"assignee\":\"ayse\"") : NULL;
    char *third = second ? strstr(second + 1, "\"assignee\":\"deniz\"") : NULL;
    CHECK(first != NULL && second != NULL && third != NULL);
    CHECK(strstr(buf, "\"passed_over\":[\"legal\"]") != NULL);
    CHECK(strstr(buf, "\"state\":{\"cursors\":{\"care\":0,\"logistics\":1}") != NULL);
    CHECK(strstr(buf, "\"loads\":{\"ayse\":1,\"deniz\":1,\"mehmet\":1}") != NULL);

    /* bad input names the line */
    const char *bad = "{\"channel\": \"app\"}\n{\"channel\": \"fax\"}\n";
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)bad, strlen(bad), NULL, 0, NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    char msg[512];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "line 2") != NULL);
    const char *now = "yesterday";
    CHECK(crmkit_ruleset_route(rules, (const uint8_t *)one, strlen(one), NULL, 0, (const uint8_t *)now, strlen(now), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);

    /* the file's examples and the linter */
    int ok = -1;
    CHECK(crmkit_ruleset_check(rules, (uint8_t *)buf, sizeof buf, &n, &ok) == CRMKIT_OK);
    CHECK(ok == 1);
    CHECK(strstr(buf, "\"passed\":true") != NULL);
    CHECK(strstr(buf, "\"code\":\"no_default_rule\"") != NULL);

    /* a bad rule file names the rule */
    const char *broken = "version = \"1\"\nfallback = { department = \"care\", assignee = \"x\" }\n";
    crmkit_ruleset *none = NULL;
    CHECK(crmkit_ruleset_new((const uint8_t *)broken, strlen(broken), CRMKIT_RULES_TOML, NULL, 0, &none) == CRMKIT_COMPLAINT_INVALID_RULE_SET);
    CHECK(none == NULL);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "\"care\" is not defined") != NULL);
    const char *cal = "name = \"x\"\ntime_zone = \"Mars/Olympus\"\n";
    CHECK(crmkit_ruleset_new((const uint8_t *)RULES, strlen(RULES), CRMKIT_RULES_TOML, (const uint8_t *)cal, strlen(cal), &none) == CRMKIT_COMPLAINT_INVALID_CALENDAR);
    CHECK(crmkit_ruleset_route(NULL, (const uint8_t *)one, strlen(one), NULL, 0, NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);

    /* one handle, four threads */
    shared = rules;
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, route_many, NULL);
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        pthread_join(threads[i], &r);
        CHECK(r == NULL);
    }

    crmkit_ruleset_free(rules);
    crmkit_ruleset_free(NULL);
    return check_summary("test_routing");
}
