#include "crmkit.h"
#include "check.h"

static const char *RULES =
    "version = \"1\"\n"
    "[[categories]]\n"
    "id = \"late_delivery\"\n"
    "any = [\"gecik\", \"teslim edilmedi\"]\n"
    "[[categories]]\n"
    "id = \"refund\"\n"
    "any = [\"iade\"]\n"
    "priority = 5\n";

int main(void) {
    crmkit_category_rules *rules = NULL;
    CHECK(crmkit_category_rules_new((const uint8_t *)RULES, strlen(RULES), CRMKIT_RULES_TOML, &rules) == CRMKIT_OK);
    CHECK(rules != NULL);

    char buf[2048];
    size_t n = 0;
    const char *text = "Kargom GEC\xC4\xB0KT\xC4\xB0, iadesini istiyorum. Avukat\xC4\xB1ma gidece\xC4\x9Fim.";
    CHECK(crmkit_category_rules_categorize(rules, (const uint8_t *)text, strlen(text), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    char *refund = strstr(buf, "\"id\":\"refund\"");
    char *late = strstr(buf, "\"id\":\"late_delivery\"");
    CHECK(refund != NULL && late != NULL && refund < late); /* priority first */
    CHECK(strstr(buf, "\"id\":\"legal_threat\"") != NULL);
    CHECK(strstr(buf, "\"text\":\"iadesini\"") != NULL);

    /* a bad rule file names the rule */
    const char *bad = "version = \"1\"\n[[categories]]\nid = \"empty\"\nany = []\n";
    crmkit_category_rules *none = NULL;
    CHECK(crmkit_category_rules_new((const uint8_t *)bad, strlen(bad), CRMKIT_RULES_TOML, &none) == CRMKIT_COMPLAINT_INVALID_RULE_SET);
    CHECK(none == NULL);
    char msg[512];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "\"empty\"") != NULL);
    CHECK(crmkit_category_rules_new((const uint8_t *)RULES, strlen(RULES), 7, &none) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_category_rules_categorize(NULL, (const uint8_t *)text, strlen(text), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);

    /* field conditions: a category for refunds asked for on the phone,
     * from 1000 up; fields compare case-insensitively */
    const char *by_channel =
        "version = \"1\"\n"
        "format = 2\n"
        "[[categories]]\n"
        "id = \"phone_refund\"\n"
        "any = [\"iade\"]\n"
        "priority = 5\n"
        "when = { channel = \"call_center\", amount = \">= 1000\" }\n"
        "[[categories]]\n"
        "id = \"refund\"\n"
        "any = [\"iade\"]\n";
    crmkit_category_rules *conditional = NULL;
    CHECK(crmkit_category_rules_new((const uint8_t *)by_channel, strlen(by_channel), CRMKIT_RULES_TOML, &conditional) == CRMKIT_OK);
    const char *ask = "iade istiyorum";
    const char *phone = "{\"channel\": \"Call_Center\", \"amount\": 2500, \"attributes\": {\"region\": \"ege\"}}";
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)phone, strlen(phone), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(n == strlen(buf));
    const char *first = "{\"categories\":[{\"id\":\"phone_refund\"";
    CHECK(strncmp(buf, first, strlen(first)) == 0);
    CHECK(strstr(buf, "\"id\":\"refund\"") != NULL);
    /* another channel, too small an amount, or no fields: the plain category only */
    const char *app = "{\"channel\": \"app\", \"amount\": 2500}";
    const char *small = "{\"channel\": \"call_center\", \"amount\": 999.5}";
    const char *others[] = {app, small, "", NULL};
    for (size_t i = 0; i < 4; i++) {
        size_t flen = others[i] ? strlen(others[i]) : 0;
        CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)others[i], flen, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
        CHECK(strstr(buf, "phone_refund") == NULL);
        CHECK(strstr(buf, "\"id\":\"refund\"") != NULL);
    }
    /* without fields, the same answer as crmkit_category_rules_categorize */
    char plain[2048];
    size_t plain_n = 0;
    CHECK(crmkit_category_rules_categorize(conditional, (const uint8_t *)ask, strlen(ask), (uint8_t *)plain, sizeof plain, &plain_n) == CRMKIT_OK);
    CHECK(plain_n == n && strcmp(plain, buf) == 0);
    /* too small a buffer gives the size needed */
    size_t needed = 0;
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)phone, strlen(phone), NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)phone, strlen(phone), (uint8_t *)buf, needed, &n) == CRMKIT_OK);
    CHECK(n + 1 == needed);

    /* bad fields name `fields` and what was expected */
    const char *bad_fields[] = {"{\"amount\": \"many\"}", "[\"call_center\"]", "\"call_center\"", "null", "{\"channel\": ", "{\"attributes\": {\"region\": 7}}"};
    for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
        CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)bad_fields[i], strlen(bad_fields[i]), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
        CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK || n > sizeof msg);
        CHECK(strstr(msg, "`fields`") != NULL && strstr(msg, "a JSON object of channel") != NULL);
    }
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)bad_fields[1], strlen(bad_fields[1]), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "got an array, not an object") != NULL);
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), NULL, 3, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)"{\"channel\": \"\xff\"}", 16, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_UTF8);
    CHECK(crmkit_category_rules_categorize_fields(NULL, (const uint8_t *)ask, strlen(ask), (const uint8_t *)phone, strlen(phone), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_category_rules_categorize_fields(conditional, (const uint8_t *)ask, strlen(ask), (const uint8_t *)phone, strlen(phone), (uint8_t *)buf, sizeof buf, NULL) == CRMKIT_NULL_ARGUMENT);
    crmkit_category_rules_free(conditional);

    crmkit_category_rules_free(rules);
    crmkit_category_rules_free(NULL);
    return check_summary("test_category_rules");
}
