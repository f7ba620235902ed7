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

/* Monday 09:00 Istanbul in, answered at 10:00, waiting on the customer from
 * 11:00 to Tuesday 11:00; asked on Tuesday at 12:00, warned at 10 % */
static const char *SLA_STATE =
    "{\"events\": ["
    "{\"at\": \"2026-11-24T08:00:00Z\", \"kind\": \"resumed\"},"
    "{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"},"
    "{\"at\": \"2026-11-23T07:00:00Z\", \"kind\": \"responded\"},"
    "{\"at\": \"2026-11-23T08:00:00Z\", \"kind\": \"paused\", \"reason\": \"waiting_on_customer\"}],"
    " \"policy\": {\"version\": \"1\", \"default\": {\"first_response_hours\": 4, \"resolution_hours\": 16}},"
    " \"now\": \"2026-11-24T09:00:00Z\", \"warn_at\": [10]}";

/* The status of crmkit_complaint_sla_state on `request`, with the message
 * of a failure in `msg`. */
static crmkit_status sla_state(const char *request, char *msg, size_t cap) {
    char out[4096];
    size_t n = 0;
    crmkit_status st = crmkit_complaint_sla_state((const uint8_t *)request, strlen(request), (uint8_t *)out, sizeof out, &n);
    msg[0] = '\0';
    if (st != CRMKIT_OK) {
        CHECK(crmkit_last_error_message((uint8_t *)msg, cap, &n) == CRMKIT_OK);
    }
    return st;
}

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

    /* the SLA standing from an event log in any order: the business time
     * used excludes the pause, which is counted apart */
    CHECK(crmkit_complaint_sla_state((const uint8_t *)SLA_STATE, strlen(SLA_STATE), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(n == strlen(buf));
    const char *head = "{\"status\":\"open\",\"pause_reason\":null,\"owner\":\"ayse\",";
    CHECK(strncmp(buf, head, strlen(head)) == 0);
    CHECK(strstr(buf, "\"first_response_at\":\"2026-11-23T07:00:00Z\"") != NULL);
    char *first = strstr(buf, "\"first_response\":{");
    CHECK(first != NULL && strstr(first, "\"status\":\"stopped\",\"target_hours\":4.0,\"used_hours\":1.0,\"paused_hours\":0.0,") != NULL);
    CHECK(first != NULL && strstr(first, "\"met\":true") != NULL);
    char *resolution = strstr(buf, "\"resolution\":{");
    CHECK(resolution != NULL);
    if (resolution) {
        CHECK(strstr(resolution, "\"status\":\"running\",\"target_hours\":16.0,\"used_hours\":3.0,\"paused_hours\":9.0,") != NULL);
        CHECK(strstr(resolution, "\"due_at\":\"2026-11-25T13:00:00Z\"") != NULL);
        CHECK(strstr(resolution, "\"breached\":false") != NULL);
        /* 10 % of 16 h is 1 h 36 min: Monday 10:36 Istanbul */
        CHECK(strstr(resolution, "\"warnings\":[{\"percent\":10,\"at\":\"2026-11-23T07:36:00Z\"}]") != NULL);
    }
    CHECK(crmkit_complaint_sla_state((const uint8_t *)SLA_STATE, strlen(SLA_STATE), NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);

    /* asked while paused, with the policy as TOML and the calendar given */
    const char *paused =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\", \"priority\": \"high\"},"
        " {\"at\": \"2026-11-23T08:00:00Z\", \"kind\": \"paused\", \"reason\": \"waiting_on_customer\"}],"
        " \"policy\": \"version = '1'\\n[default]\\nresolution_hours = 16\\n\","
        " \"calendar\": {\"name\": \"utc\", \"time_zone\": \"UTC\", \"working_hours\": {\"mon\": [\"06:00-18:00\"]}},"
        " \"now\": \"2026-11-23T10:00:00Z\"}";
    CHECK(crmkit_complaint_sla_state((const uint8_t *)paused, strlen(paused), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"status\":\"paused\",\"pause_reason\":\"waiting_on_customer\"") != NULL);
    CHECK(strstr(buf, "\"priority\":\"high\"") != NULL);
    resolution = strstr(buf, "\"resolution\":{");
    CHECK(resolution != NULL && strstr(resolution, "\"status\":\"paused\",\"target_hours\":16.0,\"used_hours\":2.0,\"paused_hours\":2.0,") != NULL);

    /* bad requests: the member, the event or the file is named */
    const char *no_events = "{\"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(no_events, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "`events`") != NULL && strstr(msg, "missing") != NULL);
    const char *unknown_kind =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"},"
        " {\"at\": \"2026-11-23T07:00:00Z\", \"kind\": \"escalated\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(unknown_kind, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "`events`") != NULL && strstr(msg, "element 1") != NULL && strstr(msg, "escalated") != NULL);
    const char *no_reason =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"paused\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(no_reason, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "element 0") != NULL && strstr(msg, "`reason`") != NULL);
    const char *twice =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"},"
        " {\"at\": \"2026-11-23T07:00:00Z\", \"kind\": \"resolved\"}, {\"at\": \"2026-11-23T08:00:00Z\", \"kind\": \"resolved\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(twice, msg, sizeof msg) == CRMKIT_COMPLAINT_INVALID_EVENT_LOG);
    CHECK(strstr(msg, "event 2 (`resolved` at 2026-11-23T08:00:00Z)") != NULL);
    const char *later =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-23T05:00:00Z\"}";
    CHECK(sla_state(later, msg, sizeof msg) == CRMKIT_COMPLAINT_INVALID_EVENT_LOG);
    const char *empty = "{\"events\": [], \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-23T05:00:00Z\"}";
    CHECK(sla_state(empty, msg, sizeof msg) == CRMKIT_COMPLAINT_INVALID_EVENT_LOG);
    const char *zero =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\", \"warn_at\": [0, 50]}";
    CHECK(sla_state(zero, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "`warn_at`") != NULL);
    const char *negative =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"policy\": {\"version\": \"1\"}, \"now\": \"2026-11-24T06:00:00Z\", \"warn_at\": [-5]}";
    CHECK(sla_state(negative, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "`warn_at`") != NULL);
    const char *no_policy =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(no_policy, msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(strstr(msg, "`policy`") != NULL);
    const char *sla_bad_policy =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"policy\": {\"version\": \"1\", \"default\": {\"resolution_hours\": -1}}, \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(sla_bad_policy, msg, sizeof msg) == CRMKIT_COMPLAINT_INVALID_RULE_SET);
    const char *sla_bad_calendar =
        "{\"events\": [{\"at\": \"2026-11-23T06:00:00Z\", \"kind\": \"received\", \"owner\": \"ayse\"}],"
        " \"policy\": {\"version\": \"1\"}, \"calendar\": \"name = 'x'\\ntime_zone = 'Mars/Olympus'\\n\", \"now\": \"2026-11-24T06:00:00Z\"}";
    CHECK(sla_state(sla_bad_calendar, msg, sizeof msg) == CRMKIT_COMPLAINT_INVALID_CALENDAR);
    CHECK(sla_state("{\"events\": {}}", msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(sla_state("[]", msg, sizeof msg) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_complaint_sla_state(NULL, 4, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_complaint_sla_state((const uint8_t *)SLA_STATE, strlen(SLA_STATE), (uint8_t *)buf, sizeof buf, NULL) == CRMKIT_NULL_ARGUMENT);

    return check_summary("test_complaint_sla");
}
