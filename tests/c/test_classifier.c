/* The complaint classifier through the C ABI: train from JSON, save the
 * model file, load it into a new handle, predict (with abstention). */
#include <stdlib.h>

#include "crmkit.h"
#include "check.h"

static const char *TRAIN =
    "{\"texts\": [\"kargom gelmedi\", \"kargo hala gelmedi\", \"siparisim gecikti\", \"teslimat gecikti\","
    " \"param iade edilmedi\", \"iade istiyorum\", \"iademi yapin\", \"para iadesi yok\"],"
    " \"labels\": [\"late_delivery\", \"late_delivery\", \"late_delivery\", \"late_delivery\","
    " \"refund\", \"refund\", \"refund\", \"refund\"],"
    " \"options\": {\"abstain_below\": 0.0, \"min_char_df\": 1}}";

int main(void) {
    crmkit_classifier *model = NULL;
    CHECK(crmkit_classifier_train((const uint8_t *)TRAIN, strlen(TRAIN), &model) == CRMKIT_OK);
    CHECK(model != NULL);

    /* save: ask for the size first, then write */
    size_t size = 0;
    CHECK(crmkit_classifier_save(model, NULL, 0, &size) == CRMKIT_INSUFFICIENT_SIZE);
    CHECK(size > 0);
    uint8_t *bytes = malloc(size);
    size_t written = 0;
    CHECK(crmkit_classifier_save(model, bytes, size, &written) == CRMKIT_OK);
    CHECK(written == size);

    crmkit_classifier *loaded = NULL;
    CHECK(crmkit_classifier_load(bytes, written, &loaded) == CRMKIT_OK);
    char buf[4096];
    size_t n = 0;
    const char *text = "KARGOM HALA GELMED\xC4\xB0";
    CHECK(crmkit_classifier_predict(loaded, (const uint8_t *)text, strlen(text), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"label\":\"late_delivery\"") != NULL);
    CHECK(strstr(buf, "\"top\":[[\"late_delivery\"") != NULL);
    const char *refund = "iade edilmedi";
    CHECK(crmkit_classifier_predict(model, (const uint8_t *)refund, strlen(refund), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"label\":\"refund\"") != NULL);

    /* bad inputs */
    CHECK(crmkit_classifier_load(bytes, written / 2, &loaded) == CRMKIT_COMPLAINT_INVALID_MODEL);
    const char *one = "{\"texts\": [\"a\"], \"labels\": [\"x\", \"y\"]}";
    crmkit_classifier *none = NULL;
    CHECK(crmkit_classifier_train((const uint8_t *)one, strlen(one), &none) == CRMKIT_COMPLAINT_INVALID_TRAINING_DATA);
    CHECK(none == NULL);
    const char *junk = "{\"texts\": 1}";
    CHECK(crmkit_classifier_train((const uint8_t *)junk, strlen(junk), &none) == CRMKIT_INVALID_ARGUMENT);

    /* Turkish stems, balanced class weights, c chosen by cross-validation */
    const char *tr =
        "{\"texts\": [\"kargom gelmedi\", \"kargolar\xC4\xB1m gecikti\", \"kargoyu bekliyorum\","
        " \"iade istiyorum\", \"iademi yap\xC4\xB1n\"],"
        " \"labels\": [\"late_delivery\", \"late_delivery\", \"late_delivery\", \"refund\", \"refund\"],"
        " \"options\": {\"stem\": \"turkish\", \"class_weight\": \"balanced\", \"cv_folds\": 2,"
        " \"c_grid\": [0.1, 1.0]}}";
    crmkit_classifier *stemmed = NULL;
    CHECK(crmkit_classifier_train((const uint8_t *)tr, strlen(tr), &stemmed) == CRMKIT_OK);
    const char *cargo = "KARGOLARIMI BEKL\xC4\xB0YORUM";
    CHECK(crmkit_classifier_predict(stemmed, (const uint8_t *)cargo, strlen(cargo), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_OK);
    CHECK(strstr(buf, "\"label\":\"late_delivery\"") != NULL);
    crmkit_classifier_free(stemmed);
    const char *unknown = "{\"texts\": [\"a\", \"b\"], \"labels\": [\"x\", \"y\"], \"options\": {\"class_weight\": {\"z\": 2.0}}}";
    CHECK(crmkit_classifier_train((const uint8_t *)unknown, strlen(unknown), &none) == CRMKIT_COMPLAINT_INVALID_TRAINING_DATA);
    const char *stem = "{\"texts\": [\"a\", \"b\"], \"labels\": [\"x\", \"y\"], \"options\": {\"stem\": \"klingon\"}}";
    CHECK(crmkit_classifier_train((const uint8_t *)stem, strlen(stem), &none) == CRMKIT_INVALID_ARGUMENT);
    CHECK(none == NULL);
    CHECK(crmkit_classifier_predict(NULL, (const uint8_t *)text, strlen(text), (uint8_t *)buf, sizeof buf, &n) == CRMKIT_NULL_ARGUMENT);

    free(bytes);
    crmkit_classifier_free(loaded);
    crmkit_classifier_free(model);
    crmkit_classifier_free(NULL);
    return check_summary("test_classifier");
}
