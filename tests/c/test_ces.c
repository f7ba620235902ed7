#include "crmkit.h"
#include "check.h"

int main(void) {
    double two[] = {1, 7};
    crmkit_ces r;
    CHECK(crmkit_survey_ces(two, 2, NULL, 7, 5, 3, 0.95, &r) == CRMKIT_OK);
    CHECK_NEAR(r.mean, 4.0, 1e-12);
    CHECK_NEAR(r.se, 3.0, 1e-12);
    CHECK_NEAR(r.low, 1.0, 1e-12);
    CHECK_NEAR(r.high, 7.0, 1e-12);
    CHECK_NEAR(r.easy_percent, 50.0, 1e-12);

    double mostly_easy[] = {7, 6, 5, 2, NAN};
    CHECK(crmkit_survey_ces(mostly_easy, 5, NULL, 7, 5, 3, 0.95, &r) == CRMKIT_OK);
    CHECK_NEAR(r.mean, 5.0, 1e-12);
    CHECK_NEAR(r.easy_percent, 75.0, 1e-12);
    CHECK_NEAR(r.difficult_percent, 25.0, 1e-12);
    CHECK(r.n == 4 && r.missing == 1);

    /* thresholds must satisfy difficult < easy */
    CHECK(crmkit_survey_ces(two, 2, NULL, 7, 3, 5, 0.95, &r) == CRMKIT_SURVEY_INVALID_SCALE);
    return check_summary("test_ces");
}
