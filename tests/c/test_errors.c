#include "crmkit.h"
#include "check.h"

int main(void) {
    CHECK(strcmp(crmkit_status_name(CRMKIT_OK), "ok") == 0);
    CHECK(strcmp(crmkit_status_name(CRMKIT_SURVEY_OUT_OF_RANGE), "survey_out_of_range") == 0);
    CHECK(strcmp(crmkit_status_name(CRMKIT_NULL_ARGUMENT), "null_argument") == 0);
    CHECK(strcmp(crmkit_status_name(12345), "unknown") == 0);
    CHECK(CRMKIT_SURVEY_OUT_OF_RANGE == 201);
    CHECK(CRMKIT_PANIC == 901);

    /* an out-of-range answer: the message names its index */
    double scores[] = {9, 10, 3, 11};
    crmkit_nps r;
    memset(&r, 0xAB, sizeof r);
    crmkit_nps before = r;
    crmkit_status st = crmkit_survey_nps(scores, 4, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r);
    CHECK(st == CRMKIT_SURVEY_OUT_OF_RANGE);
    CHECK(memcmp(&r, &before, sizeof r) == 0); /* untouched on failure */

    size_t n = 0;
    /* asking with no buffer reports the needed size */
    CHECK(crmkit_last_error_message(NULL, 0, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n > 1);
    char small[4];
    size_t needed = n;
    CHECK(crmkit_last_error_message((uint8_t *)small, sizeof small, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n == needed);
    char msg[256];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(n == needed - 1);
    CHECK(strlen(msg) == n);
    CHECK(strstr(msg, "index 3") != NULL);
    CHECK(strstr(msg, "0 to 10") != NULL);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, NULL) == CRMKIT_NULL_ARGUMENT);

    /* NULL pointers */
    CHECK(crmkit_survey_nps(NULL, 3, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_survey_nps(scores, 3, NULL, 0.95, CRMKIT_INTERVAL_WALD, NULL) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_survey_nps(NULL, 0, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_SURVEY_NO_ANSWERS);
    /* bad arguments */
    CHECK(crmkit_survey_nps(scores, 3, NULL, 1.5, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_survey_nps(scores, 3, NULL, 0.95, 42, &r) == CRMKIT_INVALID_ARGUMENT);
    double weights[] = {1, -1, 1};
    CHECK(crmkit_survey_nps(scores, 3, weights, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_SURVEY_INVALID_WEIGHT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "weight at index 1") != NULL);
    return check_summary("test_errors");
}
