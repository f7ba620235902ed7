/* The Arrow C data interface functions, with arrays built by hand as a C
 * program without an Arrow library would build them. */
#include "crmkit.h"
#include "check.h"

#include <stdlib.h>

/* A string column (format "u": int32 offsets) over caller-owned buffers;
 * `released` counts how often crmkit released one. */
static int released = 0;

static void release_array(struct ArrowArray *a) {
    released++;
    a->release = NULL;
}

static void release_schema(struct ArrowSchema *s) {
    s->release = NULL;
}

struct column {
    const void *buffers[3];
    struct ArrowArray array;
    struct ArrowSchema schema;
};

/* `validity` may be NULL (no nulls); `nulls` is then 0. */
static void utf8_column(struct column *c, const char *format, int64_t length, const uint8_t *validity,
                        int64_t nulls, const void *offsets, const char *data) {
    c->buffers[0] = validity;
    c->buffers[1] = offsets;
    c->buffers[2] = data;
    struct ArrowArray a = {length, nulls, 0, 3, 0, c->buffers, NULL, NULL, release_array, NULL};
    struct ArrowSchema s = {format, "", NULL, ARROW_FLAG_NULLABLE, 0, NULL, NULL, release_schema, NULL};
    c->array = a;
    c->schema = s;
}

/* The child `name` of a struct result, and its schema. */
static int child(const struct ArrowSchema *s, const char *name) {
    for (int64_t i = 0; i < s->n_children; i++) {
        if (strcmp(s->children[i]->name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int is_null(const struct ArrowArray *a, int64_t row) {
    const uint8_t *validity = (const uint8_t *)a->buffers[0];
    if (validity == NULL) {
        return 0;
    }
    int64_t i = a->offset + row;
    return !((validity[i / 8] >> (i % 8)) & 1);
}

/* Row `row` of a utf8 child as a NUL-terminated copy in `out` ("<null>" for null). */
static const char *utf8_value(const struct ArrowArray *a, int64_t row, char *out, size_t cap) {
    if (is_null(a, row)) {
        snprintf(out, cap, "<null>");
        return out;
    }
    const int32_t *offsets = (const int32_t *)a->buffers[1];
    const char *data = (const char *)a->buffers[2];
    int64_t i = a->offset + row;
    int32_t len = offsets[i + 1] - offsets[i];
    snprintf(out, cap, "%.*s", (int)len, data + offsets[i]);
    return out;
}

static int bool_value(const struct ArrowArray *a, int64_t row) {
    const uint8_t *bits = (const uint8_t *)a->buffers[1];
    int64_t i = a->offset + row;
    return (bits[i / 8] >> (i % 8)) & 1;
}

static void release_result(struct ArrowArray *a, struct ArrowSchema *s) {
    CHECK(a->release != NULL && s->release != NULL);
    a->release(a);
    s->release(s);
    CHECK(a->release == NULL && s->release == NULL);
}

static void emails(void) {
    /* three rows: a Googlemail address with dots and a tag, a null, a typo */
    const char data[] = "Ayse.Yilmaz+x@GoogleMail.com" "ali@gmial.com";
    const int32_t offsets[] = {0, 28, 28, 41};
    const uint8_t validity[] = {0x05}; /* rows 0 and 2 */
    struct column c;
    utf8_column(&c, "u", 3, validity, 1, offsets, data);
    struct ArrowArray out;
    struct ArrowSchema out_schema;
    released = 0;
    CHECK(crmkit_arrow_parse_emails(&c.array, &c.schema, &out, &out_schema) == CRMKIT_OK);
    /* the input was moved: released once, the schema stays ours */
    CHECK(released == 1 && c.array.release == NULL);
    CHECK(c.schema.release != NULL);
    CHECK(strcmp(out_schema.format, "+s") == 0);
    CHECK(out.length == 3);
    int key = child(&out_schema, "dedup_key");
    int valid = child(&out_schema, "valid");
    int suggestion = child(&out_schema, "suggestion");
    CHECK(key >= 0 && valid >= 0 && suggestion >= 0 && out_schema.n_children == 6);
    if (key >= 0 && valid >= 0 && suggestion >= 0) {
        char buf[128];
        CHECK(strcmp(out_schema.children[key]->format, "u") == 0);
        CHECK(strcmp(utf8_value(out.children[key], 0, buf, sizeof buf), "ayseyilmaz@gmail.com") == 0);
        CHECK(strcmp(utf8_value(out.children[key], 1, buf, sizeof buf), "<null>") == 0);
        CHECK(strcmp(out_schema.children[valid]->format, "b") == 0);
        CHECK(bool_value(out.children[valid], 0) == 1);
        CHECK(is_null(out.children[valid], 1));
        CHECK(strcmp(utf8_value(out.children[suggestion], 2, buf, sizeof buf), "ali@gmail.com") == 0);
    }
    release_result(&out, &out_schema);

    /* LargeUtf8 ("U": int64 offsets) works the same */
    const int64_t large_offsets[] = {0, 28, 28, 41};
    utf8_column(&c, "U", 3, validity, 1, large_offsets, data);
    CHECK(crmkit_arrow_parse_emails(&c.array, &c.schema, &out, &out_schema) == CRMKIT_OK);
    CHECK(out.length == 3);
    release_result(&out, &out_schema);

    /* a column that is not text: an error naming its type; the array is still taken */
    const int64_t numbers[] = {1, 2};
    const void *int_buffers[2] = {NULL, numbers};
    struct ArrowArray ints = {2, 0, 0, 2, 0, int_buffers, NULL, NULL, release_array, NULL};
    struct ArrowSchema int_schema = {"l", "", NULL, 0, 0, NULL, NULL, release_schema, NULL};
    released = 0;
    memset(&out, 0, sizeof out);
    CHECK(crmkit_arrow_parse_emails(&ints, &int_schema, &out, &out_schema) == CRMKIT_INVALID_ARGUMENT);
    CHECK(released == 1 && ints.release == NULL);
    CHECK(out.release == NULL);
    char msg[512];
    size_t m = 0;
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m) == CRMKIT_OK);
    CHECK(strstr(msg, "emails") != NULL && strstr(msg, "Int64") != NULL);

    /* malformed arrays are errors, not undefined behaviour: decreasing offsets, invalid UTF-8
     * (the buffers themselves must be as long as the offsets say: the C data interface carries
     * no buffer lengths) */
    const int32_t bad_offsets[] = {0, 28, 20, 41};
    utf8_column(&c, "u", 3, validity, 1, bad_offsets, data);
    CHECK(crmkit_arrow_parse_emails(&c.array, &c.schema, &out, &out_schema) == CRMKIT_INVALID_ARGUMENT);
    CHECK(c.array.release == NULL);
    const char not_utf8[] = "a\xff@b.com";
    const int32_t one_offsets[] = {0, 7};
    utf8_column(&c, "u", 1, NULL, 0, one_offsets, not_utf8);
    CHECK(crmkit_arrow_parse_emails(&c.array, &c.schema, &out, &out_schema) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m) == CRMKIT_OK);
    CHECK(strstr(msg, "not a valid Arrow array") != NULL);

    /* an already released array and NULL outputs */
    CHECK(crmkit_arrow_parse_emails(&ints, &int_schema, &out, &out_schema) == CRMKIT_INVALID_ARGUMENT);
    utf8_column(&c, "u", 3, validity, 1, offsets, data);
    CHECK(crmkit_arrow_parse_emails(NULL, &c.schema, &out, &out_schema) == CRMKIT_NULL_ARGUMENT);
    CHECK(c.array.release != NULL);
    /* a call with a NULL output still takes the array */
    released = 0;
    CHECK(crmkit_arrow_parse_emails(&c.array, &c.schema, NULL, &out_schema) == CRMKIT_NULL_ARGUMENT);
    CHECK(released == 1 && c.array.release == NULL);
}

static void phones(void) {
    const char data[] = "0532 123 45 67" "Tel: +90 (212) 444 55 66 dahili 12" "12";
    const int32_t offsets[] = {0, 14, 48, 50};
    struct column c;
    utf8_column(&c, "u", 3, NULL, 0, offsets, data);
    struct ArrowArray out;
    struct ArrowSchema out_schema;
    CHECK(crmkit_arrow_parse_phones(&c.array, &c.schema, (const uint8_t *)"TR", 2, &out, &out_schema) == CRMKIT_OK);
    int e164 = child(&out_schema, "e164");
    int type = child(&out_schema, "type");
    int ext = child(&out_schema, "extension");
    int valid = child(&out_schema, "valid");
    CHECK(e164 >= 0 && type >= 0 && ext >= 0 && valid >= 0);
    if (e164 >= 0 && type >= 0 && ext >= 0 && valid >= 0) {
        char buf[64];
        CHECK(strcmp(utf8_value(out.children[e164], 0, buf, sizeof buf), "+905321234567") == 0);
        CHECK(strcmp(utf8_value(out.children[type], 0, buf, sizeof buf), "mobile") == 0);
        CHECK(strcmp(utf8_value(out.children[e164], 1, buf, sizeof buf), "+902124445566") == 0);
        CHECK(strcmp(utf8_value(out.children[type], 1, buf, sizeof buf), "fixed_line") == 0);
        CHECK(strcmp(utf8_value(out.children[ext], 1, buf, sizeof buf), "12") == 0);
        CHECK(bool_value(out.children[valid], 1) == 1);
        CHECK(bool_value(out.children[valid], 2) == 0);
    }
    release_result(&out, &out_schema);

    utf8_column(&c, "u", 3, NULL, 0, offsets, data);
    released = 0;
    CHECK(crmkit_arrow_parse_phones(&c.array, &c.schema, (const uint8_t *)"XX", 2, &out, &out_schema) ==
          CRMKIT_CONTACT_INVALID_REGION);
    CHECK(released == 1);
}

static void components_and_keys(void) {
    /* links a-b, c-b, d-e: components {a, b, c} and {d, e} */
    const char src_data[] = "acd";
    const char dst_data[] = "bbe";
    const int32_t offsets[] = {0, 1, 2, 3};
    struct column src, dst;
    utf8_column(&src, "u", 3, NULL, 0, offsets, src_data);
    utf8_column(&dst, "u", 3, NULL, 0, offsets, dst_data);
    struct ArrowArray out;
    struct ArrowSchema out_schema;
    CHECK(crmkit_arrow_connected_components(&src.array, &src.schema, &dst.array, &dst.schema, &out, &out_schema) ==
          CRMKIT_OK);
    CHECK(out.length == 5);
    int id = child(&out_schema, "record_id");
    int cluster = child(&out_schema, "cluster_id");
    CHECK(id >= 0 && cluster >= 0);
    if (id >= 0 && cluster >= 0) {
        int seen = 0;
        for (int64_t r = 0; r < out.length; r++) {
            char a[8], b[8];
            utf8_value(out.children[id], r, a, sizeof a);
            utf8_value(out.children[cluster], r, b, sizeof b);
            const char *want = (a[0] == 'd' || a[0] == 'e') ? "d" : "a";
            CHECK(strcmp(b, want) == 0);
            seen |= 1 << (a[0] - 'a');
        }
        CHECK(seen == 0x1f);
    }
    release_result(&out, &out_schema);

    /* different lengths: both arrays are taken, the error says so */
    const int32_t short_offsets[] = {0, 1};
    utf8_column(&src, "u", 3, NULL, 0, offsets, src_data);
    utf8_column(&dst, "u", 1, NULL, 0, short_offsets, dst_data);
    released = 0;
    CHECK(crmkit_arrow_connected_components(&src.array, &src.schema, &dst.array, &dst.schema, &out, &out_schema) ==
          CRMKIT_LENGTH_MISMATCH);
    CHECK(released == 2);

    /* blocking keys of a two-record batch (a struct array of id and last_name columns) */
    const char ids[] = "12";
    const char names[] = "YılmazYILMAZ";
    const int32_t id_offsets[] = {0, 1, 2};
    const int32_t name_offsets[] = {0, 7, 13};
    struct column id_col, name_col;
    utf8_column(&id_col, "u", 2, NULL, 0, id_offsets, ids);
    utf8_column(&name_col, "u", 2, NULL, 0, name_offsets, names);
    id_col.schema.name = "id";
    name_col.schema.name = "last_name";
    struct ArrowArray *children[2] = {&id_col.array, &name_col.array};
    struct ArrowSchema *child_schemas[2] = {&id_col.schema, &name_col.schema};
    const void *struct_buffers[1] = {NULL};
    struct ArrowArray batch = {2, 0, 0, 1, 2, struct_buffers, children, NULL, release_array, NULL};
    struct ArrowSchema batch_schema = {"+s", "", NULL, 0, 2, child_schemas, NULL, release_schema, NULL};
    const char *settings = "{\"blocking\":[[\"last_name\"]]}";
    crmkit_status st = crmkit_arrow_blocking_keys(&batch, &batch_schema, (const uint8_t *)settings, strlen(settings),
                                                  NULL, 0, &out, &out_schema);
    CHECK(st == CRMKIT_OK);
    if (st == CRMKIT_OK) {
        int key = child(&out_schema, "key");
        int rec = child(&out_schema, "record_id");
        CHECK(key >= 0 && rec >= 0);
        /* one key per record, the same for both spellings of Yılmaz */
        CHECK(out.length == 2);
        if (key >= 0 && rec >= 0 && out.length == 2) {
            char k0[32], k1[32];
            utf8_value(out.children[key], 0, k0, sizeof k0);
            utf8_value(out.children[key], 1, k1, sizeof k1);
            CHECK(strcmp(k0, k1) == 0 && k0[0] != '\0');
        }
        release_result(&out, &out_schema);
    } else {
        char msg[512];
        size_t m = 0;
        crmkit_last_error_message((uint8_t *)msg, sizeof msg, &m);
        fprintf(stderr, "blocking keys: %s\n", msg);
    }
    /* the children were released through the parent */
    CHECK(batch.release == NULL);

    /* a plain string array is not a batch */
    utf8_column(&src, "u", 3, NULL, 0, offsets, src_data);
    CHECK(crmkit_arrow_blocking_keys(&src.array, &src.schema, NULL, 0, NULL, 0, &out, &out_schema) ==
          CRMKIT_INVALID_ARGUMENT);
}

static void salts(void) {
    uint32_t a = 99, b = 99;
    CHECK(crmkit_salt_for((const uint8_t *)"R000123", 7, 8, &a) == CRMKIT_OK);
    CHECK(a < 8);
    CHECK(crmkit_salt_for((const uint8_t *)"R000123", 7, 8, &b) == CRMKIT_OK);
    CHECK(a == b);
    CHECK(crmkit_chunk_of((const uint8_t *)"R000123", 7, 4, &b) == CRMKIT_OK);
    CHECK(b < 4);
    /* stable_hash("") = 0xf52a15e9a9b5e89b, so the empty id's salt is known */
    CHECK(crmkit_salt_for(NULL, 0, 1000, &a) == CRMKIT_OK);
    CHECK(a == (uint32_t)(0xf52a15e9a9b5e89bULL % 1000));
    CHECK(crmkit_salt_for((const uint8_t *)"x", 1, 0, &a) == CRMKIT_INVALID_ARGUMENT);
    CHECK(crmkit_salt_for((const uint8_t *)"x", 1, 8, NULL) == CRMKIT_NULL_ARGUMENT);
}

int main(void) {
    emails();
    phones();
    components_and_keys();
    salts();
    return check_summary("test_arrow");
}
