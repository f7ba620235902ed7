#include "crmkit.h"
#include "check.h"

int main(void) {
    char buf[1024];
    size_t n = 0;
    const char *email = "Ayse.Yilmaz+kampanya@GoogleMail.com";
    CHECK(crmkit_contact_parse_email((const uint8_t *)email, strlen(email), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strlen(buf) == n);
    CHECK(strstr(buf, "\"valid\":true") != NULL);
    CHECK(strstr(buf, "\"dedup_key\":\"ayseyilmaz@gmail.com\"") != NULL);
    CHECK(strstr(buf, "\"kind\":\"free\"") != NULL);

    const char *bad = "ali@@example.com";
    CHECK(crmkit_contact_parse_email((const uint8_t *)bad, strlen(bad), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"valid\":false") != NULL);
    CHECK(strstr(buf, "\"error\":\"invalid_local_character\"") != NULL);

    /* too small a buffer reports the size needed */
    char small[8];
    CHECK(crmkit_contact_parse_email((const uint8_t *)email, strlen(email), (uint8_t *)small, sizeof small, &n) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(n > sizeof small && n < sizeof buf);

    const char *phone = "0212 123 45 67 dahili 12";
    CHECK(crmkit_contact_parse_phone((const uint8_t *)phone, strlen(phone), (const uint8_t *)"TR", 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"e164\":\"+902121234567\"") != NULL);
    CHECK(strstr(buf, "\"type\":\"fixed_line\"") != NULL);
    CHECK(strstr(buf, "\"extension\":\"12\"") != NULL);

    const char *slip = "0532 123 45 6O";
    CHECK(crmkit_contact_parse_phone((const uint8_t *)slip, strlen(slip), (const uint8_t *)"TR", 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"error\":\"letter_in_number\"") != NULL);
    CHECK(strstr(buf, "\"suggestion\":\"+905321234560\"") != NULL);

    CHECK(crmkit_contact_parse_phone((const uint8_t *)phone, strlen(phone), (const uint8_t *)"XX", 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_CONTACT_INVALID_REGION);
    return check_summary("test_contact_parse");
}
