#include "crmkit.h"
#include "check.h"

/* ayse reports to mehmet, who reports to zeynep; the policy gives 8 business
 * hours for the first answer and 40 for resolution; the calendar defaults to
 * Türkiye 2026-2027, weekdays 09:00-18:00 Istanbul. */
static const char *ESCALATIONS =
    "{\"open\": [{\"id\": \"SK-3CFP-SV\", \"owner\": \"ayse\", \"received_at\": \"2026-11-23T06:00:00Z\"}],"
    " \"org\": {\"ayse\": \"mehmet\", \"mehmet\": \"zeynep\", \"zeynep\": null},"
    " \"policy\": \"version = '2026-11'\\n[default]\\nfirst_response_hours = 8\\nresolution_hours = 40\\n\","
    " \"now\": \"2026-11-24T06:00:00Z\"}";

static const char *REPORT =
    "{\"by\": \"category\", \"now\": \"2026-11-10T12:00:00Z\", \"complaints\": ["
    "{\"id\": \"1\", \"channel\": \"app\", \"received_at\": \"2026-11-02T07:00:00Z\", \"category\": \"late_delivery\","
    " \"first_department\": \"logistics\", \"resolving_department\": \"logistics\", \"resolved_at\": \"2026-11-02T11:00:00Z\"},"
    "{\"id\": \"2\", \"channel\": \"email\", \"received_at\": \"2026-11-03T07:00:00Z\", \"category\": \"late_delivery\","
    " \"first_department\": \"logistics\", \"resolving_department\": \"finance\", \"resolved_at\": \"2026-11-04T07:00:00Z\","
    " \"due_at\": \"2026-11-03T15:00:00Z\"},"
    "{\"id\": \"3\", \"channel\": \"app\", \"received_at\": \"2026-11-04T07:00:00Z\", \"category\": \"refund\"}]}";

int main(void) {
    char buf[4096];
    size_t n = 0;

    /* 9 business hours after Monday 09:00: the first response is past 100 %,
     * so owner and supervisor are told; resolution is at 22.5 %, below 50 % */
    CHECK(crmkit_complaint_escalations((const uint8_t *)ESCALATIONS, strlen(ESCALATIONS), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(n == strlen(buf));
    CHECK(strstr(buf, "\"clock\":\"first_response\"") != NULL);
    CHECK(strstr(buf, "\"threshold_percent\":100") != NULL);
    CHECK(strstr(buf, "\"recipients\":[\"ayse\",\"mehmet\"]") != NULL);
    CHECK(strstr(buf, "\"clock\":\"resolution\"") == NULL);
    CHECK(strstr(buf, "\"policy_version\":\"2026-11\"") != NULL);

    /* too small a buffer gives the size needed */
    size_t needed = 0;
    CHECK(crmkit_complaint_escalations((const uint8_t *)ESCALATIONS, strlen(ESCALATIONS), (uint8_t *)buf, 8, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);
    CHECK(crmkit_complaint_escalations((const uint8_t *)ESCALATIONS, strlen(ESCALATIONS), NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);

    /* due times: Monday 09:00 + 8 h = 17:00 Istanbul */
    CHECK(crmkit_complaint_due_times((const uint8_t *)ESCALATIONS, strlen(ESCALATIONS), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"first_response\":\"2026-11-23T14:00:00Z\"") != NULL);
    CHECK(strstr(buf, "\"update\":null") != NULL);

    /* the report: late_delivery 2 of 3 complaints, one first-routed right,
     * one resolved after its due time */
    CHECK(crmkit_complaint_report((const uint8_t *)REPORT, strlen(REPORT), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    char *late = strstr(buf, "\"key\":\"late_delivery\"");
    char *refund = strstr(buf, "\"key\":\"refund\"");
    CHECK(late != NULL && refund != NULL && late < refund);
    CHECK(strncmp(buf, "{\"rows\":[{\"key\":\"late_delivery\",\"count\":2,", 40) == 0);
    CHECK(strstr(late, "\"count\":2") != NULL);
    CHECK(strstr(late, "\"first_routing_accuracy\":50.0") != NULL);
    CHECK(strstr(late, "\"sla_breach_rate\":100.0") != NULL);
    CHECK(strstr(buf, "\"pareto\":[{\"topic\":\"late_delivery\",\"count\":2,") != NULL);

    /* bad requests name the member */
    char msg[512];
    const char *bad_by = "{\"complaints\": [], \"by\": \"weekday\"}";
    CHECK(crmkit_complaint_report((const uint8_t *)bad_by, strlen(bad_by), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "by") != NULL);
    const char *no_now = "{\"open\": [], \"org\": {}, \"policy\": {\"version\": \"1\"}}";
    CHECK(crmkit_complaint_escalations((const uint8_t *)no_now, strlen(no_now), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "now") != NULL && strstr(msg, "missing") != NULL);
    const char *bad_policy = "{\"open\": [], \"org\": {}, \"now\": \"2026-11-24T06:00:00Z\", \"policy\": {\"version\": \"1\", \"default\": {\"resolution_hours\": -1}}}";
    CHECK(crmkit_complaint_escalations((const uint8_t *)bad_policy, strlen(bad_policy), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_COMPLAINT_INVALID_RULE_SET);
    const char *bad_calendar = "{\"open\": [], \"org\": {}, \"now\": \"2026-11-24T06:00:00Z\", \"policy\": {\"version\": \"1\"}, \"calendar\": \"name = 'x'\\ntime_zone = 'Mars/Olympus'\\n\"}";
    CHECK(crmkit_complaint_escalations((const uint8_t *)bad_calendar, strlen(bad_calendar), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_COMPLAINT_INVALID_CALENDAR);
    const char *not_json = "[1, 2";
    CHECK(crmkit_complaint_report((const uint8_t *)not_json, strlen(not_json), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_complaint_report(NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_complaint_report((const uint8_t *)REPORT, strlen(REPORT), (uint8_t *)buf, sizeof buf, NULL) == CRMKIT_NULL_ARGUMENT);

    return check_summary("test_complaint_sla");
}
