#include "crmkit.h"
#include "check.h"

static crmkit_outcome classify(const char *text, uint32_t channel, crmkit_status *st) {
    crmkit_outcome o;
    memset(&o, 0, sizeof o);
    *st = crmkit_contact_classify_outcome((const uint8_t *)text, strlen(text), channel, &o);
    return o;
}

int main(void) {
    crmkit_status st;
    crmkit_outcome o = classify("550 5.1.1 <ayse@example.com>: Recipient address rejected: User unknown",
                                CRMKIT_CHANNEL_EMAIL, &st);
    CHECK(st == CRMKIT_OK);
    CHECK(o.outcome_class == CRMKIT_OUTCOME_PERMANENT);
    CHECK(strcmp(crmkit_outcome_reason_name(o.reason), "user_unknown") == 0);
    CHECK(strcmp(o.enhanced_code, "5.1.1") == 0);
    CHECK(o.smtp_code == 550);

    o = classify("452 4.2.2 Mailbox full", CRMKIT_CHANNEL_EMAIL, &st);
    CHECK(o.outcome_class == CRMKIT_OUTCOME_TRANSIENT);
    CHECK(strcmp(crmkit_outcome_reason_name(o.reason), "mailbox_full") == 0);

    o = classify("id:42 sub:001 dlvrd:000 stat:UNDELIV err:013 text:Merhaba", CRMKIT_CHANNEL_SMS, &st);
    CHECK(st == CRMKIT_OK);
    CHECK(o.outcome_class == CRMKIT_OUTCOME_TRANSIENT && o.long_term);
    CHECK(o.has_gsm_error && o.gsm_error == 13);
    CHECK(strcmp(crmkit_outcome_reason_name(o.reason), "barred") == 0);

    o = classify("DELIVRD", CRMKIT_CHANNEL_SMS, &st);
    CHECK(o.outcome_class == CRMKIT_OUTCOME_SUCCESS && !o.has_gsm_error);

    /* errors: unknown channel, NULL text with a length, invalid UTF-8 */
    classify("5.1.1", 9, &st);
    CHECK(st == CRMKIT_INVALID_ARGUMENT);
    crmkit_outcome out;
    CHECK(crmkit_contact_classify_outcome(NULL, 3, CRMKIT_CHANNEL_EMAIL, &out) == CRMKIT_NULL_ARGUMENT);
    const uint8_t bad[] = {0xff, 0xfe};
    CHECK(crmkit_contact_classify_outcome(bad, 2, CRMKIT_CHANNEL_EMAIL, &out) == CRMKIT_INVALID_UTF8);
    CHECK(crmkit_contact_classify_outcome(NULL, 0, CRMKIT_CHANNEL_EMAIL, &out) == CRMKIT_OK);
    CHECK(out.outcome_class == CRMKIT_OUTCOME_UNKNOWN);
    CHECK(strcmp(crmkit_outcome_reason_name(99999), "unknown") == 0);
    return check_summary("test_contact");
}
