/* The online index's event feed: a subscriber follows records as they
 * join, merge, leave and split, and resyncs when its cursor is too old. */
#include <stdint.h>

#include "crmkit.h"
#include "check.h"

#define ELAZIG "Elaz\xC4\xB1\xC4\x9F"

/* 1 and 3 share nothing; 2 has the phone of 1 and the email of 3 */
static const char *RECORDS =
    "{\"id\": \"1\", \"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"0532 000 11 22\", "
    "\"date_of_birth\": \"01.01.1990\", \"city\": \"" ELAZIG "\", \"country\": \"TR\"}\n"
    "{\"id\": \"3\", \"last_name\": \"Kara\", \"email\": \"mert.kara@gmail.com\", \"city\": \"" ELAZIG "\", "
    "\"country\": \"TR\"}\n";
static const char *BRIDGE =
    "{\"id\": \"2\", \"first_name\": \"Mert\", \"last_name\": \"Kara\", \"phone\": \"0532 000 11 22\", "
    "\"email\": \"mert.kara@gmail.com\", \"date_of_birth\": \"01.01.1990\", \"city\": \"" ELAZIG "\", "
    "\"country\": \"TR\"}";

int main(void) {
    char buf[4096];
    size_t n = 0;
    crmkit_index *idx = NULL;
    CHECK(crmkit_index_new((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, &idx) == CRMKIT_OK);

    /* a subscriber starts from the assignments and the last sequence number */
    CHECK(crmkit_index_assignments(idx, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strcmp(buf, "{\"last_seq\":0,\"assignments\":{\"1\":\"1\",\"3\":\"3\"}}") == 0);
    uint64_t cursor = crmkit_index_last_seq(idx);
    CHECK(cursor == 0);
    CHECK(crmkit_index_events_since(idx, cursor, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strcmp(buf, "[]") == 0);

    /* the bridge record merges 3 into 1 */
    CHECK(crmkit_index_insert(idx, (const uint8_t *)BRIDGE, strlen(BRIDGE), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(crmkit_index_events_since(idx, cursor, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strcmp(buf,
                 "[{\"seq\":1,\"event\":\"joined\",\"entity_id\":\"1\",\"record_id\":\"2\"},"
                 "{\"seq\":2,\"event\":\"merged\",\"entity_id\":\"1\",\"absorbed\":[\"3\"],\"moved\":[[\"3\"]]}]") == 0);
    cursor = crmkit_index_last_seq(idx);
    CHECK(cursor == 2);

    /* deleting it splits them again */
    CHECK(crmkit_index_delete(idx, (const uint8_t *)"2", 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(crmkit_index_events_since(idx, cursor, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strcmp(buf,
                 "[{\"seq\":3,\"event\":\"left\",\"entity_id\":\"1\",\"record_id\":\"2\"},"
                 "{\"seq\":4,\"event\":\"split\",\"entity_id\":\"1\",\"new_entity_ids\":[\"3\"],\"moved\":[[\"3\"]]}]") == 0);
    CHECK(crmkit_index_last_seq(idx) == 4);

    /* the caller-buffer convention */
    size_t needed = 0;
    CHECK(crmkit_index_events_since(idx, cursor, NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);

    /* with two events kept, a cursor before them must resync */
    CHECK(crmkit_index_set_feed_retention(idx, 2) == CRMKIT_OK);
    CHECK(crmkit_index_events_since(idx, 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(crmkit_index_events_since(idx, 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_RESYNC_REQUIRED);
    char msg[512];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "resync required: cursor 1") != NULL);
    CHECK(crmkit_index_events_since(idx, 5, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_RESYNC_REQUIRED);

    CHECK(crmkit_index_events_since(NULL, 0, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_index_assignments(NULL, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_index_set_feed_retention(NULL, 1) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_index_last_seq(NULL) == 0);
    crmkit_index_free(idx);
    return check_summary("test_identity_feed");
}
