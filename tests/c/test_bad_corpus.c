/* The shared bad-input corpus (tests/corpus/bad/) through the C ABI: every
 * case that names a C function fails with the case's stable status, sets a
 * message, and hands back no object. Run from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>

#include "check.h"
#include "crmkit.h"

#define CORPUS "tests/corpus/bad"

/* The value of `key: value` in the head of a case, copied into `out`. */
static int header_value(const char *head, const char *key, char *out, size_t cap) {
    size_t klen = strlen(key);
    const char *line = head;
    while (line && *line) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':' && line[klen + 1] == ' ') {
            const char *v = line + klen + 2;
            size_t n = strcspn(v, "\n");
            if (n >= cap) n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
    return 0;
}

static void run_case(const char *name, char *data, size_t size) {
    char *sep = NULL;
    for (size_t i = 0; i + 5 <= size; i++) {
        if (memcmp(data + i, "\n---\n", 5) == 0) {
            sep = data + i;
            break;
        }
    }
    CHECK(sep != NULL);
    if (!sep) return;
    *sep = '\0';
    const uint8_t *body = (const uint8_t *)(sep + 5);
    size_t len = size - (size_t)(sep + 5 - data);
    char fn[64], code[64];
    if (!header_value(data, "c", fn, sizeof fn)) return;
    CHECK(header_value(data, "code", code, sizeof code));

    crmkit_status st;
    if (strcmp(fn, "ruleset_new") == 0) {
        crmkit_ruleset *rules = NULL;
        st = crmkit_ruleset_new(body, len, CRMKIT_RULES_TOML, NULL, 0, &rules);
        CHECK(rules == NULL);
        crmkit_ruleset_free(rules);
    } else if (strcmp(fn, "category_rules_new") == 0) {
        crmkit_category_rules *rules = NULL;
        st = crmkit_category_rules_new(body, len, CRMKIT_RULES_TOML, &rules);
        CHECK(rules == NULL);
        crmkit_category_rules_free(rules);
    } else if (strcmp(fn, "identity_resolve") == 0) {
        crmkit_resolution *res = NULL;
        st = crmkit_identity_resolve(body, len, NULL, 0, &res);
        CHECK(res == NULL);
        crmkit_resolution_free(res);
    } else if (strcmp(fn, "complaint_sla_state") == 0) {
        char out[1024];
        size_t n = 0;
        st = crmkit_complaint_sla_state(body, len, (uint8_t *)out, sizeof out, &n);
    } else if (strcmp(fn, "category_rules_categorize_fields") == 0) {
        static const char *rules_text = "version = \"1\"\n[[categories]]\nid = \"refund\"\nany = [\"iade\"]\n";
        static const char *text = "iade istiyorum";
        crmkit_category_rules *rules = NULL;
        CHECK(crmkit_category_rules_new((const uint8_t *)rules_text, strlen(rules_text), CRMKIT_RULES_TOML, &rules) == CRMKIT_OK);
        char out[1024];
        size_t n = 0;
        st = crmkit_category_rules_categorize_fields(rules, (const uint8_t *)text, strlen(text), body, len, (uint8_t *)out, sizeof out, &n);
        crmkit_category_rules_free(rules);
    } else if (strcmp(fn, "engagement_store_new") == 0) {
        crmkit_engagement_store *store = NULL;
        st = crmkit_engagement_store_new(body, len, &store);
        CHECK(store == NULL);
        crmkit_engagement_store_free(store);
    } else if (strcmp(fn, "engagement_store_apply") == 0) {
        /* applied to a store holding one customer, which must stay as it was */
        static const char *seed =
            "{\"type\": \"purchase\", \"customer\": \"C0\", \"time\": \"2026-11-01T10:00:00Z\", "
            "\"amount\": 10, \"product\": \"tea\"}";
        crmkit_engagement_store *store = NULL;
        CHECK(crmkit_engagement_store_new(NULL, 0, &store) == CRMKIT_OK);
        CHECK(crmkit_engagement_store_apply(store, (const uint8_t *)seed, strlen(seed), NULL) == CRMKIT_OK);
        char before[1024], after[1024];
        size_t n = 0;
        CHECK(crmkit_engagement_store_snapshot(store, NULL, 0, (uint8_t *)before, sizeof before, &n) == CRMKIT_OK);
        size_t applied = 7;
        st = crmkit_engagement_store_apply(store, body, len, &applied);
        CHECK(applied == 7);
        /* a successful call leaves the last error message as it is */
        CHECK(crmkit_engagement_store_snapshot(store, NULL, 0, (uint8_t *)after, sizeof after, &n) == CRMKIT_OK);
        CHECK(strcmp(before, after) == 0);
        crmkit_engagement_store_free(store);
    } else {
        fprintf(stderr, "%s: unknown C function %s\n", name, fn);
        CHECK(0);
        return;
    }
    const char *got = crmkit_status_name((uint32_t)st);
    if (strcmp(got, code) != 0) {
        fprintf(stderr, "%s: status %s, expected %s\n", name, got, code);
    }
    CHECK(strcmp(got, code) == 0);
    char msg[512];
    size_t n = 0;
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &n) == CRMKIT_OK ||
          n > sizeof msg);
    CHECK(n > 0);
    char fragment[256];
    if (header_value(data, "message", fragment, sizeof fragment)) {
        if (n >= sizeof msg || strstr(msg, fragment) == NULL) {
            fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", name, n < sizeof msg ? msg : "(long)",
                    fragment);
            CHECK(0);
        }
    }
}

int main(void) {
    DIR *dir = opendir(CORPUS);
    CHECK(dir != NULL);
    if (!dir) return check_summary("test_bad_corpus");
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t nlen = strlen(e->d_name);
        if (nlen < 6 || strcmp(e->d_name + nlen - 5, ".case") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", CORPUS, e->d_name);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *data = malloc((size_t)size + 1);
        CHECK(data != NULL && fread(data, 1, (size_t)size, f) == (size_t)size);
        fclose(f);
        data[size] = '\0';
        run_case(e->d_name, data, (size_t)size);
        free(data);
        cases++;
    }
    closedir(dir);
    CHECK(cases >= 20);
    return check_summary("test_bad_corpus");
}
