#include "crmkit.h"
#include "check.h"

#include <stdlib.h>

static crmkit_status score(const char *point, const char *now, const char *policy, char *buf, size_t len,
                           size_t *n) {
    return crmkit_contact_score((const uint8_t *)point, strlen(point), (const uint8_t *)now, strlen(now),
                                (const uint8_t *)policy, policy ? strlen(policy) : 0, (uint8_t *)buf, len, n);
}

int main(void) {
    char buf[4096];
    size_t n = 0;
    const char *now = "2026-11-22T12:00:00Z";

    /* a corporate address delivered to last month: keep */
    const char *fresh = "{\"channel\":\"email\",\"class\":\"corporate\","
                        "\"evidence\":[{\"at\":\"2026-10-01T09:00:00Z\",\"kind\":\"delivered\",\"source\":\"esp\"}]}";
    CHECK(score(fresh, now, NULL, buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strlen(buf) == n);
    CHECK(strstr(buf, "\"action\":\"keep\"") != NULL);
    CHECK(strstr(buf, "\"band\":\"high\"") != NULL);
    CHECK(strstr(buf, "\"source\":\"esp\"") != NULL);
    const char *p = strstr(buf, "\"probability\":");
    CHECK(p != NULL);
    double fresh_p = p ? strtod(p + strlen("\"probability\":"), NULL) : -1;
    CHECK(fresh_p > 0.8 && fresh_p <= 1.0);

    /* then a hard bounce: suppress, the reason first, below the fresh one */
    const char *bounced = "{\"channel\":\"email\",\"class\":\"corporate\",\"evidence\":["
                          "{\"at\":\"2026-10-01T09:00:00Z\",\"kind\":\"delivered\"},"
                          "{\"at\":\"2026-11-01T09:00:00Z\",\"kind\":\"permanent\",\"source\":\"esp\"}]}";
    CHECK(score(bounced, now, "", buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"action\":\"suppress\"") != NULL);
    CHECK(strstr(buf, "\"reasons\":[{\"code\":\"permanent_failure\"") != NULL);
    p = strstr(buf, "\"probability\":");
    CHECK(p != NULL && strtod(p + strlen("\"probability\":"), NULL) < fresh_p);

    /* a soft failure alone: retry with a time */
    const char *soft = "{\"channel\":\"sms\",\"class\":\"mobile\",\"prepaid\":false,\"evidence\":["
                       "{\"at\":\"2026-11-20T09:00:00Z\",\"kind\":\"delivered\"},"
                       "{\"at\":\"2026-11-21T09:00:00Z\",\"kind\":\"transient\"}]}";
    CHECK(score(soft, now, NULL, buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"action\":\"retry\"") != NULL);
    CHECK(strstr(buf, "\"retry_at\":\"2026-11-22T09:00:00Z\"") != NULL);

    /* a policy override changes the version reported */
    CHECK(score(fresh, now, "{\"version\":\"ours-1\"}", buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"policy_version\":\"ours-1\"") != NULL);

    /* errors: bad point, bad now, bad policy, small buffer */
    CHECK(score("{\"channel\":\"fax\"}", now, NULL, buf, sizeof buf, &n) == CRMKIT_MALFORMED_INPUT);
    CHECK(score(fresh, "yesterday", NULL, buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(score(fresh, now, "{\"band_high\":\"x\"}", buf, sizeof buf, &n) == CRMKIT_MALFORMED_INPUT);
    CHECK(score(fresh, now, "{\"floor\":2.0}", buf, sizeof buf, &n) != CRMKIT_OK);
    char small[16];
    CHECK(score(fresh, now, NULL, small, sizeof small, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n > sizeof small && n < sizeof buf);
    CHECK(crmkit_contact_score(NULL, 4, (const uint8_t *)now, strlen(now), NULL, 0, (uint8_t *)buf, sizeof buf,
                               &n) == CRMKIT_NULL_ARGUMENT);

    /* batch: a JSON array and NDJSON give one score per point, in order */
    char points[1024];
    snprintf(points, sizeof points, "[%s,%s]", fresh, bounced);
    CHECK(crmkit_contact_score_batch((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now),
                                     NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(buf[0] == '[');
    const char *keep = strstr(buf, "\"action\":\"keep\"");
    const char *suppress = strstr(buf, "\"action\":\"suppress\"");
    CHECK(keep != NULL && suppress != NULL && keep < suppress);
    snprintf(points, sizeof points, "%s\n\n%s\n", bounced, fresh);
    CHECK(crmkit_contact_score_batch((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now),
                                     NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    keep = strstr(buf, "\"action\":\"keep\"");
    suppress = strstr(buf, "\"action\":\"suppress\"");
    CHECK(keep != NULL && suppress != NULL && suppress < keep);

    /* a bad point in a batch is named */
    snprintf(points, sizeof points, "[%s,{\"class\":\"free\"}]", fresh);
    CHECK(crmkit_contact_score_batch((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now),
                                     NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_MALFORMED_INPUT);
    char msg[512];
    size_t m = 0;
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m) == CRMKIT_OK);
    CHECK(strstr(msg, "points: element 1") != NULL);
    snprintf(points, sizeof points, "%s\nnot json\n", fresh);
    CHECK(crmkit_contact_score_batch((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now),
                                     NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_MALFORMED_INPUT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m) == CRMKIT_OK);
    CHECK(strstr(msg, "line 2") != NULL);

    /* per customer: the best email and phone (never a suppressed one) and the last contact */
    const char *mobile = "{\"channel\":\"sms\",\"class\":\"mobile\",\"evidence\":["
                         "{\"at\":\"2026-11-10T09:00:00Z\",\"kind\":\"inbound\"}]}";
    snprintf(points, sizeof points, "[%s,%s,%s]", bounced, mobile, fresh);
    CHECK(crmkit_contact_summarize((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now), NULL,
                                   0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strlen(buf) == n);
    CHECK(strstr(buf, "\"best_email\":2") != NULL);
    CHECK(strstr(buf, "\"best_phone\":1") != NULL);
    CHECK(strstr(buf, "\"last_contact_at\":\"2026-11-10T09:00:00Z\"") != NULL);
    CHECK(strstr(buf, "\"last_contact_channel\":\"sms\"") != NULL);
    const char *scores = strstr(buf, "\"scores\":[");
    suppress = strstr(buf, "\"action\":\"suppress\"");
    CHECK(scores != NULL && suppress != NULL && scores < suppress);
    /* only a bounced email: no best email; the last contact is its earlier delivery */
    CHECK(crmkit_contact_summarize((const uint8_t *)bounced, strlen(bounced), (const uint8_t *)now, strlen(now), NULL,
                                   0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"best_email\":null") != NULL);
    CHECK(strstr(buf, "\"best_phone\":null") != NULL);
    CHECK(strstr(buf, "\"last_contact_at\":\"2026-10-01T09:00:00Z\"") != NULL);
    snprintf(points, sizeof points, "[%s,{\"channel\":\"email\"}]", fresh);
    CHECK(crmkit_contact_summarize((const uint8_t *)points, strlen(points), (const uint8_t *)now, strlen(now), NULL,
                                   0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_MALFORMED_INPUT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m) == CRMKIT_OK);
    CHECK(strstr(msg, "points: element 1") != NULL);
    CHECK(crmkit_contact_summarize((const uint8_t *)points, strlen(points), (const uint8_t *)"soon", 4, NULL, 0,
                                   (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    return check_summary("test_contact_score");
}
