#include "crmkit.h"
#include "check.h"

int main(void) {
    char buf[32];
    size_t n = 0;
    CHECK(crmkit_complaint_tracking_number(1234567, (const uint8_t *)"SK", 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strcmp(buf, "SK-3CFP-SV") == 0);
    CHECK(n == strlen(buf));

    /* too small a buffer reports the size needed */
    char small[4];
    CHECK(crmkit_complaint_tracking_number(1234567, (const uint8_t *)"SK", 2, (uint8_t *)small, sizeof small, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n == strlen("SK-3CFP-SV") + 1);
    /* no prefix */
    CHECK(crmkit_complaint_tracking_number(0, NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(n == 6);
    /* a prefix with confusable characters is refused */
    CHECK(crmkit_complaint_tracking_number(1, (const uint8_t *)"OIL", 3, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);

    uint64_t seq = 0;
    const char *typed = "sk 3cfp sv";
    CHECK(crmkit_complaint_validate_tracking_number((const uint8_t *)typed, strlen(typed), &seq) == CRMKIT_OK);
    CHECK(seq == 1234567);
    const char *typo = "SK-3CFQ-SV";
    CHECK(crmkit_complaint_validate_tracking_number((const uint8_t *)typo, strlen(typo), &seq) == CRMKIT_INVALID_ARGUMENT);
    char msg[128];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "check character") != NULL);
    const char *zero = "SK-3CF0-SV";
    CHECK(crmkit_complaint_validate_tracking_number((const uint8_t *)zero, strlen(zero), NULL) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "did you mean") != NULL);
    return check_summary("test_tracking");
}
