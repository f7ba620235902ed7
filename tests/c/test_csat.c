#include "crmkit.h"
#include "check.h"

int main(void) {
    /* answers 5,4,3,2,1 counted 42,32,10,9,14 */
    double values[] = {5, 4, 3, 2, 1};
    int counts[] = {42, 32, 10, 9, 14};
    double scores[107];
    size_t n = check_runs(scores, values, counts, 5);

    crmkit_csat r;
    CHECK(crmkit_survey_csat(scores, n, NULL, 5, 4, 0.95, &r) == CRMKIT_OK);
    CHECK_NEAR(r.csat, 69.1589, 5e-5);
    CHECK_NEAR(r.low, 59.87, 5e-3);
    CHECK_NEAR(r.high, 77.12, 5e-3);
    CHECK(r.n == 107 && r.satisfied == 74 && r.missing == 0);

    /* top-3-box on 1..10 */
    double ten[] = {10, 8, 7, 1, NAN};
    CHECK(crmkit_survey_csat(ten, 5, NULL, 10, 8, 0.95, &r) == CRMKIT_OK);
    CHECK_NEAR(r.csat, 50.0, 1e-9);
    CHECK(r.missing == 1);

    /* 0 is not on a 1..5 scale; a threshold off the scale is invalid */
    double zero[] = {5, 0};
    CHECK(crmkit_survey_csat(zero, 2, NULL, 5, 4, 0.95, &r) == CRMKIT_SURVEY_OUT_OF_RANGE);
    CHECK(crmkit_survey_csat(scores, n, NULL, 5, 6, 0.95, &r) == CRMKIT_SURVEY_INVALID_SCALE);
    return check_summary("test_csat");
}
