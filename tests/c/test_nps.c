#include "crmkit.h"
#include "check.h"

int main(void) {
    /* 50 promoters, 30 passives, 20 detractors */
    double values[] = {10, 8, 3};
    int counts[] = {50, 30, 20};
    double scores[100];
    size_t n = check_runs(scores, values, counts, 3);

    crmkit_nps r;
    CHECK(crmkit_survey_nps(scores, n, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_OK);
    CHECK_NEAR(r.nps, 30.0, 1e-9);
    CHECK_NEAR(r.se, 7.8102, 5e-5);
    CHECK_NEAR(r.low, 14.692, 5e-4);
    CHECK_NEAR(r.high, 45.308, 5e-4);
    CHECK(r.n == 100 && r.promoters == 50 && r.passives == 30 && r.detractors == 20);
    CHECK(r.missing == 0);
    CHECK_NEAR(r.effective_n, 100.0, 1e-9);

    CHECK(crmkit_survey_nps(scores, n, NULL, 0.95, CRMKIT_INTERVAL_ADJUSTED_WALD, &r) == CRMKIT_OK);
    CHECK_NEAR(r.nps, 30.0, 1e-9);
    CHECK_NEAR(r.low, 14.051, 5e-4);
    CHECK_NEAR(r.high, 44.201, 5e-4);

    /* NaN answers are missing, counted apart */
    double with_missing[] = {9, 9, NAN, 9, 0, NAN};
    CHECK(crmkit_survey_nps(with_missing, 6, NULL, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_OK);
    CHECK(r.n == 4 && r.missing == 2);
    CHECK_NEAR(r.nps, 50.0, 1e-9);

    /* weights: Kish effective n = 4^2 / (9 + 1) */
    double two[] = {10, 0};
    double weights[] = {3, 1};
    CHECK(crmkit_survey_nps(two, 2, weights, 0.95, CRMKIT_INTERVAL_WALD, &r) == CRMKIT_OK);
    CHECK_NEAR(r.nps, 50.0, 1e-9);
    CHECK_NEAR(r.effective_n, 1.6, 1e-12);

    /* all promoters: the interval is clamped to 100 */
    double all[] = {10, 10, 10};
    CHECK(crmkit_survey_nps(all, 3, NULL, 0.99, CRMKIT_INTERVAL_ADJUSTED_WALD, &r) == CRMKIT_OK);
    CHECK(r.high <= 100.0 && r.low < 100.0);
    return check_summary("test_nps");
}
