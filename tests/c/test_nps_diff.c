#include "crmkit.h"
#include "check.h"

int main(void) {
    double values[] = {10, 8, 3};
    int a_counts[] = {50, 30, 20};
    int b_counts[] = {40, 30, 30};
    double a[100], b[100];
    size_t na = check_runs(a, values, a_counts, 3);
    size_t nb = check_runs(b, values, b_counts, 3);

    crmkit_nps_diff d;
    CHECK(crmkit_survey_nps_diff(a, na, b, nb, 0.95, &d) == CRMKIT_OK);
    CHECK_NEAR(d.difference, 20.0, 1e-9);
    CHECK_NEAR(d.se, 11.402, 5e-4);
    CHECK_NEAR(d.z, 1.754, 5e-4);
    CHECK_NEAR(d.p_value, 0.0794, 5e-5);
    CHECK(d.low < d.difference && d.difference < d.high);

    /* reversed: the same test, opposite sign */
    crmkit_nps_diff r;
    CHECK(crmkit_survey_nps_diff(b, nb, a, na, 0.95, &r) == CRMKIT_OK);
    CHECK_NEAR(r.difference, -20.0, 1e-9);
    CHECK_NEAR(r.p_value, d.p_value, 1e-15);

    /* an empty side has no NPS */
    CHECK(crmkit_survey_nps_diff(a, na, NULL, 0, 0.95, &d) == CRMKIT_SURVEY_NO_ANSWERS);
    return check_summary("test_nps_diff");
}
