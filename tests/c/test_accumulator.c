#include "crmkit.h"
#include "check.h"

int main(void) {
    double values[] = {10, 8, 3, NAN};
    int counts[] = {50, 30, 20, 5};
    double scores[105];
    size_t n = check_runs(scores, values, counts, 4);

    /* two shards, merged, equal the one-shot result */
    crmkit_nps_accumulator *even = crmkit_nps_accumulator_new();
    crmkit_nps_accumulator *odd = crmkit_nps_accumulator_new();
    CHECK(even != NULL && odd != NULL);
    for (size_t i = 0; i < n; i++) {
        CHECK(crmkit_nps_accumulator_push(i % 2 ? odd : even, scores[i], 1.0) == CRMKIT_OK);
    }
    CHECK(crmkit_nps_accumulator_merge(even, odd) == CRMKIT_OK);
    CHECK(crmkit_nps_accumulator_merge(even, even) == CRMKIT_INVALID_ARGUMENT);

    crmkit_nps merged, whole;
    CHECK(crmkit_nps_accumulator_finish(even, 0.95, CRMKIT_INTERVAL_WALD, &merged) == CRMKIT_OK);
    CHECK(crmkit_survey_nps(scores, n, NULL, 0.95, CRMKIT_INTERVAL_WALD, &whole) == CRMKIT_OK);
    CHECK(memcmp(&merged, &whole, sizeof merged) == 0);
    CHECK(merged.missing == 5);

    /* a bad answer is rejected and the accumulator stays usable */
    CHECK(crmkit_nps_accumulator_push(odd, 12.0, 1.0) == CRMKIT_SURVEY_OUT_OF_RANGE);
    CHECK(crmkit_nps_accumulator_push(odd, 9.0, -2.0) == CRMKIT_SURVEY_INVALID_WEIGHT);
    CHECK(crmkit_nps_accumulator_push(NULL, 9.0, 1.0) == CRMKIT_NULL_ARGUMENT);
    CHECK(crmkit_nps_accumulator_finish(odd, 0.95, CRMKIT_INTERVAL_WALD, &merged) == CRMKIT_OK);

    crmkit_nps_accumulator_free(even);
    crmkit_nps_accumulator_free(odd);
    crmkit_nps_accumulator_free(NULL);
    return check_summary("test_accumulator");
}
