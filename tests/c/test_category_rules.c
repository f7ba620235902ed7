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
    char msg[256];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "\"empty\"") != NULL);
    CHECK(crmkit_category_rules_new((const uint8_t *)RULES, strlen(RULES), 7, &none) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_category_rules_categorize(NULL, (const uint8_t *)text, strlen(text), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);

    crmkit_category_rules_free(rules);
    crmkit_category_rules_free(NULL);
    return check_summary("test_category_rules");
}
