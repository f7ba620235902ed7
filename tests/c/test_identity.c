#include <pthread.h>

#include "crmkit.h"
#include "check.h"

static const char *RECORDS =
    "{\"id\": \"1\", \"first_name\": \"Kiyasi\", \"last_name\": \"G\xC3\xBC\xC3\xA7l\xC3\xBC\", "
    "\"phone\": \"(503) 712-4770\", \"date_of_birth\": \"22.03.1950\", \"country\": \"TR\"}\n"
    "{\"id\": \"2\", \"first_name\": \"K\xC4\xB0YAS\xC4\xB0\", \"last_name\": \"GUCLU\", "
    "\"phone\": \"+90 503 712 47 70\", \"date_of_birth\": \"1950-03-22\", \"country\": \"TR\"}\n"
    "{\"id\": \"3\", \"first_name\": \"Nermin\", \"last_name\": \"G\xC3\xBC\xC3\xA7l\xC3\xBC\", "
    "\"phone\": \"0503 712 47 70\", \"date_of_birth\": \"11.09.1955\", \"country\": \"TR\"}\n"
    "{\"id\": 4, \"name\": \"John Smith\", \"email\": [\"jsmith@aol.com\", \"john@smith.us\"], \"country\": \"US\"}\n";

static crmkit_index *shared_index = NULL;

static void *match_many(void *arg) {
    (void)arg;
    const char *q = "{\"first_name\": \"kiyasi\", \"last_name\": \"guclu\", \"phone\": \"05037124770\", "
                    "\"date_of_birth\": \"22.03.1950\", \"country\": \"TR\"}";
    char buf[1024];
    size_t n = 0;
    long ok = 0;
    for (int i = 0; i < 200; i++) {
        if (crmkit_index_match(shared_index, (const uint8_t *)q, strlen(q), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK &&
            strstr(buf, "\"entity_id\":\"1\"") != NULL) {
            ok++;
        }
    }
    return (void *)ok;
}

int main(void) {
    char buf[4096];
    size_t n = 0;

    crmkit_resolution *res = NULL;
    CHECK(crmkit_identity_resolve((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, &res) == CRMKIT_OK);
    CHECK(crmkit_resolution_clusters(res, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "{\"cluster_id\":\"1\",\"id\":\"2\"}") != NULL);
    CHECK(strstr(buf, "{\"cluster_id\":\"3\",\"id\":\"3\"}") != NULL); /* the spouse stays apart */
    CHECK(strstr(buf, "{\"cluster_id\":\"4\",\"id\":\"4\"}") != NULL);

    /* the caller-buffer convention: too small reports the size needed */
    size_t needed = 0;
    CHECK(crmkit_resolution_clusters(res, NULL, 0, &needed) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(needed == n + 1);

    CHECK(crmkit_resolution_explain(res, (const uint8_t *)"1", 1, (const uint8_t *)"2", 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"probability\":1") != NULL || strstr(buf, "\"probability\":0.99") != NULL);
    CHECK(strstr(buf, "\"comparison\":\"date_of_birth\",\"level\":1") != NULL);
    CHECK(crmkit_resolution_explain(res, (const uint8_t *)"1", 1, (const uint8_t *)"9", 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    char msg[256];
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "`9`") != NULL);
    crmkit_resolution_free(res);
    crmkit_resolution_free(NULL);

    /* bad input names the record and key */
    const char *bad = "[{\"id\": 1}, {\"id\": 2, \"email\": {\"x\": 1}}]";
    crmkit_resolution *none = NULL;
    CHECK(crmkit_identity_resolve((const uint8_t *)bad, strlen(bad), NULL, 0, &none) == CRMKIT_MALFORMED_INPUT);
    CHECK(none == NULL);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK);
    CHECK(strstr(msg, "record 1") != NULL && strstr(msg, "email") != NULL);
    const char *bad_settings = "{\"threshold\": 7}";
    CHECK(crmkit_identity_resolve((const uint8_t *)RECORDS, strlen(RECORDS), (const uint8_t *)bad_settings, strlen(bad_settings), &none) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_identity_resolve(NULL, 5, NULL, 0, &none) == CRMKIT_NULL_ARGUMENT);

    /* explaining two loose records */
    const char *a = "{\"id\": \"a\", \"first_name\": \"Ay\xC5\x9F" "e\", \"last_name\": \"Kaya\", \"email\": \"ayse.kaya@gmail.com\"}";
    const char *b = "{\"id\": \"b\", \"first_name\": \"AYSE\", \"last_name\": \"KAYA\", \"email\": \"aysekaya@gmail.com\"}";
    CHECK(crmkit_identity_explain((const uint8_t *)a, strlen(a), (const uint8_t *)b, strlen(b), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"comparison\":\"email\",\"level\":2,\"label\":\"same or a typo apart, made from the name\"") != NULL);

    /* the online index: concurrent matches, then writes */
    CHECK(crmkit_index_new((const uint8_t *)RECORDS, strlen(RECORDS), NULL, 0, &shared_index) == CRMKIT_OK);
    CHECK(crmkit_index_len(shared_index) == 4);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, match_many, NULL);
    long total = 0;
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        pthread_join(threads[i], &r);
        total += (long)r;
    }
    CHECK(total == 800);

    const char *rec = "{\"id\": \"9\", \"name\": \"JOHN SMITH\", \"email\": \"jsmith@aol.com\", \"country\": \"US\"}";
    CHECK(crmkit_index_insert(shared_index, (const uint8_t *)rec, strlen(rec), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"entity_id\":\"4\"") != NULL && strstr(buf, "\"event\":\"joined\"") != NULL);
    CHECK(crmkit_index_insert(shared_index, (const uint8_t *)rec, strlen(rec), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_index_delete(shared_index, (const uint8_t *)"3", 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"event\":\"removed\"") != NULL);
    CHECK(crmkit_index_delete(shared_index, (const uint8_t *)"3", 1, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_index_len(shared_index) == 4);
    CHECK(crmkit_index_match(NULL, (const uint8_t *)"{}", 2, (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);
    crmkit_index_free(shared_index);
    crmkit_index_free(NULL);
    CHECK(crmkit_index_len(NULL) == 0);
    return check_summary("test_identity");
}
